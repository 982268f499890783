//! Document status codes exchanged with senders (QĐ 28/2018, edXML status packets). Every status change of
//! a delivered document is visible to its sender.

use serde::{Deserialize, Serialize};

/// A recipient-side status of a delivered document, with its two-digit edXML code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// 01 Đã đến
    Arrived,
    /// 02 Từ chối tiếp nhận (with a reason)
    Rejected,
    /// 03 Đã tiếp nhận
    Accepted,
    /// 04 Phân công
    Assigned,
    /// 05 Đang xử lý
    Processing,
    /// 06 Hoàn thành
    Completed,
    /// 13 Yêu cầu thu hồi (sent by the sender)
    RecallRequested,
    /// 15 Đồng ý thu hồi
    RecallAgreed,
    /// 16 Từ chối thu hồi
    RecallRefused,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 9] = [
        Self::Arrived,
        Self::Rejected,
        Self::Accepted,
        Self::Assigned,
        Self::Processing,
        Self::Completed,
        Self::RecallRequested,
        Self::RecallAgreed,
        Self::RecallRefused,
    ];

    /// The edXML `StatusCode`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Arrived => "01",
            Self::Rejected => "02",
            Self::Accepted => "03",
            Self::Assigned => "04",
            Self::Processing => "05",
            Self::Completed => "06",
            Self::RecallRequested => "13",
            Self::RecallAgreed => "15",
            Self::RecallRefused => "16",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Arrived => "Đã đến",
            Self::Rejected => "Từ chối tiếp nhận",
            Self::Accepted => "Đã tiếp nhận",
            Self::Assigned => "Phân công",
            Self::Processing => "Đang xử lý",
            Self::Completed => "Hoàn thành",
            Self::RecallRequested => "Yêu cầu thu hồi",
            Self::RecallAgreed => "Đồng ý thu hồi",
            Self::RecallRefused => "Từ chối thu hồi",
        }
    }

    /// Whether a recipient's document may move from `self` to `next`. The handling chain only moves
    /// forward (01 → 03 → 04 → 05 → 06, or 01 → 02); a recall request (13) may come at any point before a
    /// rejection or an agreed recall, and is answered by 15 or 16.
    pub fn can_move_to(self, next: DeliveryStatus) -> bool {
        use DeliveryStatus::*;
        matches!(
            (self, next),
            (Arrived, Rejected | Accepted)
                | (Accepted, Assigned | Processing | Completed)
                | (Assigned, Processing | Completed)
                | (Processing, Completed)
                | (
                    Arrived | Accepted | Assigned | Processing | Completed | RecallRefused,
                    RecallRequested
                )
                | (RecallRequested, RecallAgreed | RecallRefused)
                | (RecallRefused, Accepted | Assigned | Processing | Completed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_edxml_ones() {
        let codes: Vec<_> = DeliveryStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(
            codes,
            ["01", "02", "03", "04", "05", "06", "13", "15", "16"]
        );
        for s in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(DeliveryStatus::from_code("14"), None);
    }

    #[test]
    fn the_handling_chain_only_moves_forward() {
        use DeliveryStatus::*;
        assert!(Arrived.can_move_to(Accepted));
        assert!(Accepted.can_move_to(Assigned));
        assert!(!Completed.can_move_to(Processing));
        assert!(!Rejected.can_move_to(Accepted));
        assert!(!RecallAgreed.can_move_to(Processing));
        assert!(RecallRequested.can_move_to(RecallRefused));
    }
}
