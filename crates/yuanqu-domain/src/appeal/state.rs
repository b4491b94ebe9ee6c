//! The appeal lifecycle: submitted → dispatched → accepted → in progress (⇄ waiting for the
//! enterprise) → answered → confirmed, or reopened (a rating of 2 or less) for a leader's
//! callback; closed by a leader; merged; withdrawn. Every transition names who may take it; an
//! invalid one is refused with the transitions that are allowed.

/// Where an appeal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Submitted,
    Dispatched,
    Accepted,
    InProgress,
    /// Waiting for the enterprise (documents, an answer); the clock may stand still.
    Waiting,
    Answered,
    Reopened,
    Confirmed,
    Closed,
    Merged,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 11] = [
        Self::Submitted,
        Self::Dispatched,
        Self::Accepted,
        Self::InProgress,
        Self::Waiting,
        Self::Answered,
        Self::Reopened,
        Self::Confirmed,
        Self::Closed,
        Self::Merged,
        Self::Withdrawn,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Dispatched => "dispatched",
            Self::Accepted => "accepted",
            Self::InProgress => "in_progress",
            Self::Waiting => "waiting",
            Self::Answered => "answered",
            Self::Reopened => "reopened",
            Self::Confirmed => "confirmed",
            Self::Closed => "closed",
            Self::Merged => "merged",
            Self::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    /// Finished: nothing more happens to it.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Confirmed | Self::Closed | Self::Merged | Self::Withdrawn)
    }
    /// The open states (the queues and the escalation sweep look only at these).
    pub fn open() -> Vec<State> {
        Self::ALL.into_iter().filter(|s| !s.is_final()).collect()
    }
}

/// What someone does to an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// A leader sends an unrouted appeal to a department.
    Dispatch,
    /// To another department, with a reason; the clock runs on.
    Transfer,
    Accept,
    /// A reply to the enterprise short of the answer (counts as the first answer).
    Reply,
    /// Ask the enterprise for something; the clock stops if the category says so.
    Wait,
    /// The enterprise has supplied what was asked (or the department goes on without it).
    Resume,
    /// The department's answer: the problem is solved or explained.
    Answer,
    /// The enterprise rates the answer 1–5: 3 or more confirms, 2 or less reopens.
    Rate,
    /// A leader closes the appeal (after the callback, or deciding it cannot be met).
    Close,
    /// A leader takes a reopened appeal back to the department.
    Restart,
    Merge,
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Self::Dispatch,
        Self::Transfer,
        Self::Accept,
        Self::Reply,
        Self::Wait,
        Self::Resume,
        Self::Answer,
        Self::Rate,
        Self::Close,
        Self::Restart,
        Self::Merge,
        Self::Withdraw,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Dispatch => "dispatch",
            Self::Transfer => "transfer",
            Self::Accept => "accept",
            Self::Reply => "reply",
            Self::Wait => "wait",
            Self::Resume => "resume",
            Self::Answer => "answer",
            Self::Rate => "rate",
            Self::Close => "close",
            Self::Restart => "restart",
            Self::Merge => "merge",
            Self::Withdraw => "withdraw",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    /// Whether the action needs a written note (a reason, the answer, the question).
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            Self::Transfer | Self::Reply | Self::Wait | Self::Answer | Self::Close | Self::Merge | Self::Restart
        )
    }
}

/// Who stands where to an appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// The enterprise that filed it.
    Filer,
    /// Staff of the lead department.
    Handler,
    /// A zone leader (all appeals).
    Leader,
}

use Action as A;
use Party::{Filer, Handler, Leader};
use State as S;

/// The transition table: from, action, to, who may take it. `Rate` lists its happy end; a low
/// rating goes to `Reopened` (see [`next`]).
const TABLE: &[(State, Action, State, &[Party])] = &[
    (S::Submitted, A::Dispatch, S::Dispatched, &[Leader]),
    (S::Dispatched, A::Transfer, S::Dispatched, &[Handler, Leader]),
    (S::Accepted, A::Transfer, S::Dispatched, &[Handler, Leader]),
    (S::InProgress, A::Transfer, S::Dispatched, &[Handler, Leader]),
    (S::Dispatched, A::Accept, S::Accepted, &[Handler, Leader]),
    (S::Accepted, A::Reply, S::InProgress, &[Handler, Leader]),
    (S::InProgress, A::Reply, S::InProgress, &[Handler, Leader]),
    (S::Accepted, A::Wait, S::Waiting, &[Handler, Leader]),
    (S::InProgress, A::Wait, S::Waiting, &[Handler, Leader]),
    (S::Waiting, A::Resume, S::InProgress, &[Filer, Handler, Leader]),
    (S::Accepted, A::Answer, S::Answered, &[Handler, Leader]),
    (S::InProgress, A::Answer, S::Answered, &[Handler, Leader]),
    (S::Answered, A::Rate, S::Confirmed, &[Filer]),
    (S::Reopened, A::Restart, S::InProgress, &[Leader]),
    (S::Reopened, A::Answer, S::Answered, &[Leader]),
    (S::Submitted, A::Close, S::Closed, &[Leader]),
    (S::Dispatched, A::Close, S::Closed, &[Leader]),
    (S::Accepted, A::Close, S::Closed, &[Leader]),
    (S::InProgress, A::Close, S::Closed, &[Leader]),
    (S::Waiting, A::Close, S::Closed, &[Leader]),
    (S::Answered, A::Close, S::Closed, &[Leader]),
    (S::Reopened, A::Close, S::Closed, &[Leader]),
    (S::Submitted, A::Merge, S::Merged, &[Leader]),
    (S::Dispatched, A::Merge, S::Merged, &[Handler, Leader]),
    (S::Accepted, A::Merge, S::Merged, &[Handler, Leader]),
    (S::InProgress, A::Merge, S::Merged, &[Handler, Leader]),
    (S::Submitted, A::Withdraw, S::Withdrawn, &[Filer]),
    (S::Dispatched, A::Withdraw, S::Withdrawn, &[Filer]),
    (S::Accepted, A::Withdraw, S::Withdrawn, &[Filer]),
    (S::InProgress, A::Withdraw, S::Withdrawn, &[Filer]),
    (S::Waiting, A::Withdraw, S::Withdrawn, &[Filer]),
];

/// Ratings at or below this reopen the appeal for a leader's callback (好差评).
pub const REOPEN_AT_OR_BELOW: u8 = 2;

/// Where `action` by someone standing as `parties` takes an appeal in `from`; `None` when it
/// may not (the caller answers 409 with [`allowed`]). `rating` matters only for `Rate`.
pub fn next(from: State, action: Action, parties: &[Party], rating: Option<u8>) -> Option<State> {
    let (_, _, to, who) = TABLE.iter().find(|(f, a, _, _)| *f == from && *a == action)?;
    if !who.iter().any(|p| parties.contains(p)) {
        return None;
    }
    match (action, rating) {
        (A::Rate, Some(r)) if (1..=REOPEN_AT_OR_BELOW).contains(&r) => Some(S::Reopened),
        (A::Rate, Some(r)) if (REOPEN_AT_OR_BELOW + 1..=5).contains(&r) => Some(*to),
        (A::Rate, _) => None,
        _ => Some(*to),
    }
}

/// The actions these parties may take from `from`, in table order without repeats.
pub fn allowed(from: State, parties: &[Party]) -> Vec<Action> {
    let mut out = Vec::new();
    for (f, a, _, who) in TABLE {
        if *f == from && who.iter().any(|p| parties.contains(p)) && !out.contains(a) {
            out.push(*a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_happy_path_and_the_low_rating_that_reopens_for_a_leader() {
        let mut s = S::Submitted;
        for (a, who, r, want) in [
            (A::Dispatch, Leader, None, S::Dispatched),
            (A::Accept, Handler, None, S::Accepted),
            (A::Wait, Handler, None, S::Waiting),
            (A::Resume, Filer, None, S::InProgress),
            (A::Answer, Handler, None, S::Answered),
            (A::Rate, Filer, Some(2), S::Reopened),
            (A::Restart, Leader, None, S::InProgress),
            (A::Answer, Handler, None, S::Answered),
            (A::Rate, Filer, Some(5), S::Confirmed),
        ] {
            s = next(s, a, &[who], r).unwrap_or_else(|| panic!("{s:?} --{a:?}/{who:?}"));
            assert_eq!(s, want);
        }
        assert!(s.is_final());
        assert_eq!(allowed(s, &[Filer, Handler, Leader]), vec![]);
    }

    #[test]
    fn who_may_do_what() {
        // The enterprise cannot accept its own appeal; a department cannot rate or close it.
        assert_eq!(next(S::Dispatched, A::Accept, &[Filer], None), None);
        assert_eq!(next(S::Answered, A::Rate, &[Handler], Some(5)), None);
        assert_eq!(next(S::Answered, A::Close, &[Handler], None), None);
        assert_eq!(next(S::Answered, A::Rate, &[Filer], Some(0)), None);
        assert_eq!(next(S::Answered, A::Rate, &[Filer], Some(6)), None);
        assert_eq!(next(S::Answered, A::Rate, &[Filer], None), None);
        assert_eq!(allowed(S::Dispatched, &[Filer]), vec![A::Withdraw]);
        assert_eq!(allowed(S::Answered, &[Filer]), vec![A::Rate]);
        assert_eq!(allowed(S::Reopened, &[Leader]), vec![A::Restart, A::Answer, A::Close]);
        for s in State::ALL {
            assert_eq!(State::parse(s.code()), Some(s));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.code()), Some(a));
        }
    }

    fn any_state() -> impl Strategy<Value = State> {
        proptest::sample::select(State::ALL.to_vec())
    }
    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(Action::ALL.to_vec())
    }
    fn any_parties() -> impl Strategy<Value = Vec<Party>> {
        proptest::sample::subsequence(vec![Filer, Handler, Leader], 0..=3)
    }

    proptest! {
        /// `next` succeeds exactly for the actions `allowed` lists, final states lead nowhere,
        /// and nothing ever returns to `submitted`.
        #[test]
        fn next_agrees_with_allowed(s in any_state(), a in any_action(), who in any_parties(), r in 1u8..=5) {
            let to = next(s, a, &who, Some(r));
            prop_assert_eq!(to.is_some(), allowed(s, &who).contains(&a));
            if s.is_final() { prop_assert!(to.is_none()); }
            prop_assert_ne!(to, Some(S::Submitted));
        }

        /// Any walk of allowed actions from `submitted` with all parties ends in a state the
        /// table knows, and a final state is reached only through rate, close, merge or withdraw.
        #[test]
        fn walks_reach_final_states_only_through_final_actions(steps in proptest::collection::vec((0usize..12, 1u8..=5), 0..30)) {
            let all = [Filer, Handler, Leader];
            let mut s = S::Submitted;
            for (i, r) in steps {
                let acts = allowed(s, &all);
                if acts.is_empty() { break; }
                let a = acts[i % acts.len()];
                let to = next(s, a, &all, Some(r)).ok_or_else(|| TestCaseError::fail("allowed but refused"))?;
                if to.is_final() {
                    prop_assert!(matches!(a, A::Rate | A::Close | A::Merge | A::Withdraw));
                }
                s = to;
            }
        }
    }
}
