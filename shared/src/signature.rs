//! What a verifier says about when a signature was made: its trusted timestamp (RFC 3161, PAdES B-T) and the
//! PAdES baseline level it reaches. The same two fields travel in `vanban pdf verify --json`, the browser
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
    // B-LT (validation data in a DSS) and B-LTA (a document timestamp over it) are reached at issue; the
    // verifier reports them once it reads the DSS (issue 17, part B).
}

impl SignatureLevel {
    /// Every level, lowest first.
    pub const ALL: [Self; 2] = [Self::BB, Self::BT];

    /// What the level means, as the verification panel says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::BB => "chữ ký cơ bản: thời điểm ký chỉ do người ký tự ghi",
            Self::BT => {
                "có dấu thời gian của đơn vị cấp dấu thời gian: chữ ký chắc chắn đã có từ thời điểm đó"
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
}
