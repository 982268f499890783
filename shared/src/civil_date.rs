//! Calendar dates as people write them (`YYYY-MM-DD` on the wire, `dd/mm/yyyy` on screen): deadlines, issue
//! dates, delegation periods. A date is a day in Vietnam, never an instant.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// A calendar date `YYYY-MM-DD` (edXML `DueDate`, `IssuedDate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CivilDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl CivilDate {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        const MSG: &str =
            "Ngày phải có dạng năm-tháng-ngày (vd. 2026-12-31) và là một ngày có thật.";
        let parts: Vec<&str> = s.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(MSG);
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(MSG);
        }
        let (year, month, day) = (
            y.parse::<i32>().map_err(|_| MSG)?,
            m.parse::<u32>().map_err(|_| MSG)?,
            d.parse::<u32>().map_err(|_| MSG)?,
        );
        let ts = Timestamp::parse_iso(&format!("{y}-{m}-{d}T00:00:00+07:00")).map_err(|_| MSG)?;
        let c = ts.vn_civil();
        if (c.year, c.month, c.day) != (year as i64, month, day) || !(1900..=9999).contains(&year) {
            return Err(MSG);
        }
        Ok(Self { year, month, day })
    }

    /// Today in Vietnam.
    pub fn of(t: Timestamp) -> Self {
        let c = t.vn_civil();
        Self {
            year: c.year as i32,
            month: c.month,
            day: c.day,
        }
    }

    /// `dd/mm/yyyy`, as the UI shows dates.
    pub fn display(self) -> String {
        format!("{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

impl std::fmt::Display for CivilDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for CivilDate {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CivilDate> for String {
    fn from(d: CivilDate) -> String {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert!(CivilDate::parse("2026-02-29").is_err());
        assert!(CivilDate::parse("2028-02-29").is_ok());
        assert!(CivilDate::parse("26-1-1").is_err());
        assert_eq!(
            CivilDate::parse("2026-12-31").unwrap().display(),
            "31/12/2026"
        );
    }
}
