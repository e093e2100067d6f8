//! A partner's track record (DESIGN.md §6): close rate over the trailing months and the scrutiny it earns.

use crate::policy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scrutiny {
    FastTrack,
    Normal,
    ExtraScrutiny,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrackRecord {
    pub decided: i64,
    pub approved: i64,
}

impl TrackRecord {
    /// approved / decided; `None` before the first decision.
    pub fn close_rate(&self) -> Option<f64> {
        (self.decided > 0).then(|| self.approved as f64 / self.decided as f64)
    }

    pub fn scrutiny(&self) -> Scrutiny {
        let rate = self.close_rate().unwrap_or(0.0);
        if self.decided >= policy::FAST_TRACK_MIN_DECIDED
            && rate >= policy::FAST_TRACK_MIN_CLOSE_RATE
        {
            Scrutiny::FastTrack
        } else if self.decided < policy::EXTRA_SCRUTINY_BELOW_DECIDED
            || rate < policy::EXTRA_SCRUTINY_BELOW_CLOSE_RATE
        {
            Scrutiny::ExtraScrutiny
        } else {
            Scrutiny::Normal
        }
    }

    /// Too few decisions to judge the partner by its close rate.
    pub fn is_thin(&self) -> bool {
        self.decided < policy::EXTRA_SCRUTINY_BELOW_DECIDED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_decided_at_seventy_percent_is_fast_track() {
        assert_eq!(
            TrackRecord {
                decided: 10,
                approved: 7
            }
            .scrutiny(),
            Scrutiny::FastTrack
        );
        assert_eq!(
            TrackRecord {
                decided: 9,
                approved: 9
            }
            .scrutiny(),
            Scrutiny::Normal
        );
        assert_eq!(
            TrackRecord {
                decided: 10,
                approved: 6
            }
            .scrutiny(),
            Scrutiny::Normal
        );
    }

    #[test]
    fn thin_history_or_a_low_close_rate_is_extra_scrutiny() {
        assert_eq!(
            TrackRecord {
                decided: 4,
                approved: 4
            }
            .scrutiny(),
            Scrutiny::ExtraScrutiny
        );
        assert_eq!(
            TrackRecord {
                decided: 20,
                approved: 7
            }
            .scrutiny(),
            Scrutiny::ExtraScrutiny
        );
        assert_eq!(
            TrackRecord {
                decided: 20,
                approved: 8
            }
            .scrutiny(),
            Scrutiny::Normal
        );
        assert_eq!(TrackRecord::default().close_rate(), None);
    }
}
