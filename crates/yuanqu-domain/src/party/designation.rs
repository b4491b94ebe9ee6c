//! The double-red creation (双红创建): an organization applies for a designation (a red
//! workshop, a vanguard post, …); party-work staff award it or return it; an awarded one is
//! re-evaluated every year and may be revoked with a reason. A returned application may be
//! filed again as a new one.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Applied,
    Awarded,
    Returned,
    Revoked,
}

/// What party-work staff do to a designation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Award,
    Return,
    /// The yearly re-evaluation of an awarded designation (it stays awarded).
    Review,
    Revoke,
}

impl State {
    pub const ALL: [State; 4] = [Self::Applied, Self::Awarded, Self::Returned, Self::Revoked];
    pub fn code(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Awarded => "awarded",
            Self::Returned => "returned",
            Self::Revoked => "revoked",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Self::Award => "award",
            Self::Return => "return",
            Self::Review => "review",
            Self::Revoke => "revoke",
        }
    }
    /// The states the action may start from, and where it leads.
    pub fn from_to(self) -> (&'static [State], State) {
        match self {
            Self::Award => (&[State::Applied], State::Awarded),
            Self::Return => (&[State::Applied], State::Returned),
            Self::Review => (&[State::Awarded], State::Awarded),
            Self::Revoke => (&[State::Awarded], State::Revoked),
        }
    }
}

/// The default designation types of a zone: (code, name, criteria, needs a leading member,
/// tied to a workshop).
pub const DEFAULT_TYPES: [(&str, &str, &str, bool, bool); 4] = [
    (
        "red_workshop",
        "红色车间",
        "车间建有党支部或党小组；党员占比、党员先锋作用发挥、安全生产和质量指标达到园区标准；有固定的党员活动阵地。",
        false,
        true,
    ),
    (
        "vanguard_post",
        "红色先锋岗",
        "由一名党员牵头，岗位在生产一线；近一年无安全事故和质量事故；在技术攻关、降本增效或服务群众中作用突出。",
        true,
        true,
    ),
    ("red_site", "红色工地", "项目建设工地成立临时党支部；党员突击队在进度、安全、文明施工中发挥作用。", false, false),
    ("red_medical", "红色医疗队", "由党员医务人员组成，定期为园区企业职工提供义诊、健康服务。", false, false),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_applications_are_awarded_or_returned_and_only_awards_reviewed_or_revoked() {
        let table = [
            (Action::Award, State::Applied, Some(State::Awarded)),
            (Action::Award, State::Returned, None),
            (Action::Award, State::Awarded, None),
            (Action::Return, State::Applied, Some(State::Returned)),
            (Action::Return, State::Awarded, None),
            (Action::Review, State::Awarded, Some(State::Awarded)),
            (Action::Review, State::Applied, None),
            (Action::Revoke, State::Awarded, Some(State::Revoked)),
            (Action::Revoke, State::Revoked, None),
            (Action::Revoke, State::Applied, None),
        ];
        for (action, from, want) in table {
            let (allowed, to) = action.from_to();
            let got = allowed.contains(&from).then_some(to);
            assert_eq!(got, want, "{action:?} from {from:?}");
        }
    }
}
