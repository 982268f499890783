//! Instants as the API carries them: ISO 8601 in Vietnam time (`2026-11-26T12:33:00+07:00`), as NĐ 30
//! Phụ lục I writes signing times; shown to people as `dd/mm/yyyy hh:mm`.
//!
//! Stored as milliseconds since the Unix epoch (UTC) in both databases, so SQLite and PostgreSQL compare and
//! sort them the same way. Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed offset is exact
//! for every instant the system will hold.

use serde::{Deserialize, Serialize};

const VN_OFFSET_MS: i64 = 7 * 3600 * 1000;
const DAY_MS: i64 = 86_400_000;

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(pub i64);

/// A calendar date and time of day (in Vietnam time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CivilTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Timestamp {
    /// The wall-clock time in Vietnam.
    pub fn vn_civil(self) -> CivilTime {
        let local = self.0 + VN_OFFSET_MS;
        let (year, month, day) = civil_from_days(local.div_euclid(DAY_MS));
        let secs = local.rem_euclid(DAY_MS) / 1000;
        CivilTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u32,
            minute: (secs / 60 % 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    /// ISO 8601 with the +07:00 offset, to the second: `2026-11-26T12:33:00+07:00`.
    pub fn to_iso_vn(self) -> String {
        let c = self.vn_civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }

    /// As people write it in Vietnamese administrative text: `12:33 ngày 26/11/2026` (the hour first, then the
    /// day: "15 giờ 28 ngày 04 tháng 12 năm 2026" shortened as officials write it).
    pub fn to_display_vn(self) -> String {
        let c = self.vn_civil();
        format!(
            "{:02}:{:02} ngày {:02}/{:02}/{:04}",
            c.hour, c.minute, c.day, c.month, c.year
        )
    }

    /// The day alone, in Vietnam: `26/11/2026`.
    pub fn to_date_vn(self) -> String {
        let c = self.vn_civil();
        format!("{:02}/{:02}/{:04}", c.day, c.month, c.year)
    }

    /// Parses ISO 8601 / RFC 3339 (`YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`).
    pub fn parse_iso(s: &str) -> Result<Self, TimestampError> {
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = s.get(r).ok_or(TimestampError)?;
            if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(TimestampError);
            }
            part.parse().map_err(|_| TimestampError)
        };
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return Err(TimestampError);
        }
        if b[13] != b':' || b[16] != b':' {
            return Err(TimestampError);
        }
        let (y, mo, d) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo)
            || d == 0
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || sec > 59
        {
            return Err(TimestampError);
        }
        let mut i = 19;
        let mut millis = 0i64;
        if b[i] == b'.' {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return Err(TimestampError);
            }
            let frac = &s[start..i.min(start + 3)];
            millis =
                frac.parse::<i64>().map_err(|_| TimestampError)? * 10i64.pow(3 - frac.len() as u32);
        }
        let offset_ms = match &s[i..] {
            "Z" | "z" => 0,
            rest if rest.len() == 6
                && matches!(rest.as_bytes()[0], b'+' | b'-')
                && rest.as_bytes()[3] == b':' =>
            {
                let oh = num(i + 1..i + 3)?;
                let om = num(i + 4..i + 6)?;
                if oh > 23 || om > 59 {
                    return Err(TimestampError);
                }
                let sign = if rest.starts_with('-') { -1 } else { 1 };
                sign * (oh * 3600 + om * 60) * 1000
            }
            _ => return Err(TimestampError),
        };
        let days = days_from_civil(y, mo, d);
        let t = Self(days * DAY_MS + (h * 3600 + mi * 60 + sec) * 1000 + millis - offset_ms);
        // Only instants whose Vietnam time has a four-digit year: what is accepted must read back from the form
        // it is written in (`9999-12-31T23:00:00Z` is in the year 10000 in Vietnam; found by fuzzing, issue 13).
        if !(0..=9999).contains(&t.vn_civil().year) {
            return Err(TimestampError);
        }
        Ok(t)
    }
}

/// The text was not an ISO 8601 date-time with an offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Thời điểm không đúng định dạng ISO 8601 (vd. 2026-11-26T08:00:00+07:00).")]
pub struct TimestampError;

impl TryFrom<String> for Timestamp {
    type Error = TimestampError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse_iso(&s)
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_iso_vn()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_epoch_is_seven_in_the_morning_in_vietnam() {
        assert_eq!(Timestamp(0).to_iso_vn(), "1970-01-01T07:00:00+07:00");
        assert_eq!(Timestamp(0).to_display_vn(), "07:00 ngày 01/01/1970");
        assert_eq!(Timestamp(0).to_date_vn(), "01/01/1970");
        // 2026-12-04T08:28Z is 15:28 in Vietnam.
        assert_eq!(
            Timestamp::parse_iso("2026-12-04T08:28:00Z")
                .unwrap()
                .to_display_vn(),
            "15:28 ngày 04/12/2026"
        );
    }

    #[test]
    fn a_known_instant_formats_and_parses() {
        // 2026-11-26T05:33:23Z
        let t = Timestamp::parse_iso("2026-11-26T05:33:23Z").unwrap();
        assert_eq!(t.0, 1_795_671_203_000);
        assert_eq!(t.to_iso_vn(), "2026-11-26T12:33:23+07:00");
        assert_eq!(
            Timestamp::parse_iso("2026-11-26T12:33:23+07:00").unwrap(),
            t
        );
        assert_eq!(
            Timestamp::parse_iso("2026-11-26T12:33:23.5+07:00")
                .unwrap()
                .0,
            t.0 + 500
        );
    }

    #[test]
    fn leap_days_and_bad_dates() {
        assert!(Timestamp::parse_iso("2024-02-29T00:00:00Z").is_ok());
        assert!(Timestamp::parse_iso("2026-02-29T00:00:00Z").is_err());
        assert!(Timestamp::parse_iso("2026-13-01T00:00:00Z").is_err());
        assert!(Timestamp::parse_iso("2026-11-26 12:33:23").is_err());
        assert!(Timestamp::parse_iso("hôm nay").is_err());
    }

    #[test]
    fn an_instant_outside_the_four_digit_years_of_vietnam_time_is_refused() {
        // Both would be written back as a year that cannot be read: 10000 and -001.
        assert!(Timestamp::parse_iso("9999-12-31T23:00:00Z").is_err());
        assert!(Timestamp::parse_iso("0000-01-01T00:00:00+08:00").is_err());
        assert!(Timestamp::parse_iso("9999-12-31T16:59:59Z").is_ok());
        assert!(Timestamp::parse_iso("0000-01-01T00:00:00+07:00").is_ok());
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_gives_the_same_second(ms in -2_000_000_000_000i64..8_000_000_000_000i64) {
            let t = Timestamp(ms - ms.rem_euclid(1000));
            prop_assert_eq!(Timestamp::parse_iso(&t.to_iso_vn()).unwrap(), t);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = Timestamp::parse_iso(&s);
        }
    }
}
