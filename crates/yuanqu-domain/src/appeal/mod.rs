//! Enterprise appeals (诉求, 马上就办): the lifecycle as an explicit state machine and the
//! deadline maths on the zone's working-day calendar.

pub mod sla;
pub mod state;

pub use sla::{Deadlines, Light, Limit, Rules, Stage, Timing};
pub use state::{Action, Party, State};

/// Where an appeal came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Filed by the enterprise itself in the browser.
    Online,
    Phone,
    WalkIn,
    /// Found on a leader's visit (走访).
    Visit,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Self::Online, Self::Phone, Self::WalkIn, Self::Visit];
    pub fn code(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Phone => "phone",
            Self::WalkIn => "walk_in",
            Self::Visit => "visit",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Similar text for duplicate suggestions: the share (per cent) of the shorter text's character
/// bigrams found in the other (Chinese has no spaces, so words are not the unit).
pub fn similarity_pct(a: &str, b: &str) -> u32 {
    fn bigrams(s: &str) -> std::collections::BTreeSet<(char, char)> {
        let cs: Vec<char> = s.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation()).collect();
        cs.windows(2).map(|w| (w[0], w[1])).collect()
    }
    let (x, y) = (bigrams(a), bigrams(b));
    let small = x.len().min(y.len());
    if small == 0 {
        return 0;
    }
    let common = x.intersection(&y).count();
    u32::try_from(common * 100 / small).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_texts_score_high_and_unrelated_ones_low() {
        for (a, b, lo, hi) in [
            ("厂区污水管网容量不足，申请扩容", "污水管网容量不足，请求扩容", 70, 100),
            ("招工难，缺少熟练焊工", "厂区污水管网容量不足", 0, 10),
            ("", "任何文字", 0, 0),
        ] {
            let s = similarity_pct(a, b);
            assert!((lo..=hi).contains(&s), "{a} ~ {b} = {s}");
        }
        assert!(Channel::ALL.iter().all(|c| Channel::parse(c.code()) == Some(*c)));
    }
}
