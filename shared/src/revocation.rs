//! What a verifier learnt about a certificate's revocation, for people: when and why it was revoked, and whether
//! that was before the signature was made (it then fails) or after (it still verifies; the revocation is shown).

use serde::{Deserialize, Serialize};

/// The reason code of a revocation (RFC 5280 §5.3.1 CRLReason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    RemoveFromCrl,
    PrivilegeWithdrawn,
    AaCompromise,
}

impl RevocationReason {
    /// Every reason, in code order.
    pub const ALL: [Self; 10] = [
        Self::Unspecified,
        Self::KeyCompromise,
        Self::CaCompromise,
        Self::AffiliationChanged,
        Self::Superseded,
        Self::CessationOfOperation,
        Self::CertificateHold,
        Self::RemoveFromCrl,
        Self::PrivilegeWithdrawn,
        Self::AaCompromise,
    ];

    /// From the CRLReason code; unknown codes read as unspecified.
    pub fn from_code(code: u8) -> Self {
        match code {
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => Self::Unspecified,
        }
    }

    /// The RFC 5280 code.
    pub fn code(self) -> u8 {
        match self {
            Self::Unspecified => 0,
            Self::KeyCompromise => 1,
            Self::CaCompromise => 2,
            Self::AffiliationChanged => 3,
            Self::Superseded => 4,
            Self::CessationOfOperation => 5,
            Self::CertificateHold => 6,
            Self::RemoveFromCrl => 8,
            Self::PrivilegeWithdrawn => 9,
            Self::AaCompromise => 10,
        }
    }

    /// In plain Vietnamese.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unspecified => "không nêu lý do",
            Self::KeyCompromise => "khóa bí mật bị lộ",
            Self::CaCompromise => "tổ chức chứng thực bị lộ khóa",
            Self::AffiliationChanged => "người được cấp đã đổi cơ quan, chức vụ",
            Self::Superseded => "đã được thay bằng chứng thư số mới",
            Self::CessationOfOperation => "không còn sử dụng",
            Self::CertificateHold => "tạm dừng",
            Self::RemoveFromCrl => "gỡ khỏi danh sách thu hồi",
            Self::PrivilegeWithdrawn => "bị rút quyền",
            Self::AaCompromise => "cơ quan cấp thuộc tính bị lộ khóa",
        }
    }
}

/// A revocation found for the signer's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revocation {
    /// When the certificate was revoked (ISO 8601, +07:00).
    pub revoked_at: String,
    /// Why, as the revocation list says (RFC 5280 reason code).
    pub reason: RevocationReason,
    /// Revoked after the signing time (the timestamp's when there is one): the signature still verifies.
    pub after_signing: bool,
    /// Where it was learnt: `crl` or `ocsp`.
    pub source: String,
}

impl Revocation {
    fn when(&self) -> String {
        crate::time::Timestamp::parse_iso(&self.revoked_at)
            .map(|t| t.to_display_vn())
            .unwrap_or_else(|_| self.revoked_at.clone())
    }

    /// The sentence the verification panel shows for a time-stamping authority's certificate.
    pub fn tsa_sentence(&self) -> String {
        let when = self.when();
        if self.after_signing {
            format!(
                "Chứng thư số của đơn vị cấp dấu thời gian đã bị thu hồi lúc {when} ({}), sau thời điểm cấp dấu: dấu thời gian vẫn có giá trị.",
                self.reason.label()
            )
        } else {
            format!(
                "Chứng thư số của đơn vị cấp dấu thời gian đã bị thu hồi lúc {when} ({}), trước thời điểm cấp dấu: dấu thời gian không có giá trị.",
                self.reason.label()
            )
        }
    }

    /// The sentence the verification panel shows.
    pub fn sentence(&self) -> String {
        let when = self.when();
        if self.after_signing {
            format!(
                "Chứng thư số đã bị thu hồi lúc {when} ({}), sau thời điểm ký: chữ ký vẫn có giá trị.",
                self.reason.label()
            )
        } else {
            format!(
                "Chứng thư số đã bị thu hồi lúc {when} ({}), trước thời điểm ký: chữ ký không có giá trị.",
                self.reason.label()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_back_from_its_code_and_unknown_codes_are_unspecified() {
        for r in RevocationReason::ALL {
            assert_eq!(RevocationReason::from_code(r.code()), r);
        }
        assert_eq!(
            RevocationReason::from_code(7),
            RevocationReason::Unspecified
        );
        assert_eq!(
            RevocationReason::from_code(200),
            RevocationReason::Unspecified
        );
    }
}
