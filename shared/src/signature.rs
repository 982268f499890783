//! What a verifier says about when a signature was made: its trusted timestamp (RFC 3161, PAdES B-T) and the
//! PAdES baseline level it reaches (B-B, B-T, and B-LT/B-LTA once the file keeps its validation data). The same two fields travel in `vanban pdf verify --json`, the browser
//! worker's verdict and the server's verification of received files.

use serde::{Deserialize, Serialize};

/// The PAdES baseline level a signature reaches (ETSI EN 319 142-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SignatureLevel {
    /// Basic: the signature alone; its time is only the signer's claim (`/M`).
    #[serde(rename = "B-B")]
    BB,
    /// With a valid signature timestamp from a time-stamping authority: the signature existed at that time.
    #[serde(rename = "B-T")]
    BT,
    /// B-T, and the file's document security store (DSS) holds the signature's validation data: the
    /// certificates of its chains and its issuers' CRLs, so it can be checked without fetching anything.
    #[serde(rename = "B-LT")]
    BLT,
    /// B-LT, and a valid document timestamp covers that validation data (an archive timestamp, renewed before
    /// its certificate expires). For a document timestamp itself: it is valid.
    #[serde(rename = "B-LTA")]
    BLTA,
}

impl SignatureLevel {
    /// Every level, lowest first.
    pub const ALL: [Self; 4] = [Self::BB, Self::BT, Self::BLT, Self::BLTA];

    /// What the level means, as the verification panel says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::BB => "chữ ký cơ bản: thời điểm ký chỉ do người ký tự ghi",
            Self::BT => {
                "có dấu thời gian của đơn vị cấp dấu thời gian: chữ ký chắc chắn đã có từ thời điểm đó"
            }
            Self::BLT => {
                "có dấu thời gian và dữ liệu kiểm tra dài hạn (chứng thư số, danh sách thu hồi) lưu kèm trong tệp"
            }
            Self::BLTA => {
                "có dấu thời gian, dữ liệu kiểm tra dài hạn lưu kèm và dấu thời gian lưu trữ bao trùm tệp: kiểm tra được sau khi chứng thư số hết hạn"
            }
        }
    }

    /// B-B: what a verdict says when it predates timestamps.
    pub fn basic() -> Self {
        Self::BB
    }

    /// As the wire writes it: `B-B`, `B-T`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BB => "B-B",
            Self::BT => "B-T",
            Self::BLT => "B-LT",
            Self::BLTA => "B-LTA",
        }
    }

    /// What the verification panel and `vanban pdf verify` add for long-term validation; `None` below B-LT.
    pub fn long_term_sentence(self, document_timestamp: bool) -> Option<&'static str> {
        match (self, document_timestamp) {
            (Self::BLTA, true) => Some(
                "Dấu thời gian lưu trữ của tài liệu: bảo đảm toàn bộ tệp và dữ liệu kiểm tra dài hạn không đổi từ thời điểm đó (mức B-LTA).",
            ),
            (_, true) => Some(
                "Dấu thời gian lưu trữ của tài liệu không hợp lệ: không bảo đảm được dữ liệu kiểm tra dài hạn.",
            ),
            (Self::BLTA, false) => Some(
                "Dữ liệu kiểm tra dài hạn đã được lưu kèm (mức B-LTA): chứng thư số và danh sách thu hồi nằm trong tệp, có dấu thời gian lưu trữ bao trùm, nên chữ ký vẫn kiểm tra được sau khi chứng thư số hết hạn.",
            ),
            (Self::BLT, false) => Some(
                "Dữ liệu kiểm tra dài hạn đã được lưu kèm (mức B-LT): chứng thư số và danh sách thu hồi nằm trong tệp, kiểm tra được không cần kết nối mạng.",
            ),
            _ => None,
        }
    }
}

/// A signature timestamp (the `signature-time-stamp-token` unsigned attribute) as verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureTimestamp {
    /// When the time-stamping authority saw the signature (ISO 8601, +07:00).
    pub time: String,
    /// The time-stamping authority: its certificate's common name.
    pub tsa: String,
    /// The token is intact, covers this signature's value, and its TSA's certificate (extended key usage
    /// timeStamping, critical) chains to a trust anchor and was valid at that time.
    pub valid: bool,
    /// When a revocation list lists the TSA's certificate: when and why, and whether after the token's time
    /// (the token then still holds); `null` when none does.
    #[serde(default)]
    pub revocation: Option<crate::revocation::Revocation>,
}

impl SignatureTimestamp {
    /// The time as people read it, to the second: `14:07:33 ngày 05/03/2026` (Vietnam time).
    pub fn time_display(&self) -> String {
        crate::time::Timestamp::parse_iso(&self.time)
            .map(|t| {
                let c = t.vn_civil();
                format!(
                    "{:02}:{:02}:{:02} ngày {:02}/{:02}/{:04}",
                    c.hour, c.minute, c.second, c.day, c.month, c.year
                )
            })
            .unwrap_or_else(|_| self.time.clone())
    }

    /// The sentence the verification panel and `vanban pdf verify` show (with the TSA certificate's
    /// revocation, when a revocation list names it).
    pub fn sentence(&self) -> String {
        let time = self.time_display();
        let mut out = if self.valid {
            format!(
                "Thời điểm ký được chứng thực bởi {} lúc {time} (mức B-T).",
                self.tsa
            )
        } else {
            format!(
                "Có dấu thời gian của {} ({time}) nhưng dấu thời gian không hợp lệ: thời điểm ký chỉ là thời điểm người ký tự ghi.",
                self.tsa
            )
        };
        if let Some(r) = &self.revocation {
            out.push(' ');
            out.push_str(&r.tsa_sentence());
        }
        out
    }
}

/// What the verification panel and `vanban pdf verify` say of a signature's time: who vouches for it, or that
/// nobody does.
pub fn timestamp_sentence(timestamp: Option<&SignatureTimestamp>) -> String {
    match timestamp {
        Some(t) => t.sentence(),
        None => {
            "Không có dấu thời gian: thời điểm ký chỉ do thiết bị của người ký tự ghi (mức B-B)."
                .into()
        }
    }
}

/// What the verification panels say of a signature's time and archive: who vouches for the time (B-T or B-B)
/// and, from B-LT, that the validation data is kept in the file; for a document timestamp, what it guarantees.
pub fn time_sentence(
    timestamp: Option<&SignatureTimestamp>,
    level: SignatureLevel,
    document_timestamp: bool,
) -> String {
    let archive = level.long_term_sentence(document_timestamp);
    match (document_timestamp, archive) {
        (true, Some(a)) => a.to_string(),
        (false, Some(a)) => format!("{} {a}", timestamp_sentence(timestamp)),
        (_, None) => timestamp_sentence(timestamp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_says_who_vouches_for_the_time_in_vietnam_time() {
        let t = SignatureTimestamp {
            time: "2026-03-05T14:07:33+07:00".into(),
            tsa: "TSA tỉnh".into(),
            valid: true,
            revocation: None,
        };
        assert_eq!(
            timestamp_sentence(Some(&t)),
            "Thời điểm ký được chứng thực bởi TSA tỉnh lúc 14:07:33 ngày 05/03/2026 (mức B-T)."
        );
        assert!(timestamp_sentence(None).contains("B-B"));
        let bad = SignatureTimestamp { valid: false, ..t };
        assert!(bad.sentence().contains("không hợp lệ"));
        assert_eq!(
            serde_json::to_string(&SignatureLevel::BT).unwrap(),
            "\"B-T\""
        );
    }

    #[test]
    fn the_panel_says_the_validation_data_is_kept_from_b_lt_on() {
        let t = SignatureTimestamp {
            time: "2026-03-05T14:07:33+07:00".into(),
            tsa: "TSA tỉnh".into(),
            valid: true,
            revocation: None,
        };
        let lta = time_sentence(Some(&t), SignatureLevel::BLTA, false);
        assert!(lta.starts_with("Thời điểm ký được chứng thực bởi TSA tỉnh"));
        assert!(lta.contains("Dữ liệu kiểm tra dài hạn đã được lưu kèm (mức B-LTA)"));
        assert!(time_sentence(Some(&t), SignatureLevel::BLT, false).contains("(mức B-LT)"));
        assert_eq!(
            time_sentence(Some(&t), SignatureLevel::BT, false),
            timestamp_sentence(Some(&t))
        );
        assert!(
            time_sentence(None, SignatureLevel::BLTA, true).starts_with("Dấu thời gian lưu trữ")
        );
        assert!(time_sentence(None, SignatureLevel::BB, true).contains("không hợp lệ"));
        assert_eq!(
            serde_json::to_string(&SignatureLevel::BLTA).unwrap(),
            "\"B-LTA\""
        );
    }
}
