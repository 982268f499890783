//! Dates and timestamps as packets write them. Emitted as `yyyy/MM/dd` and `yyyy/MM/dd HH:mm:ss` (the SDK form);
//! read also as `dd/MM/yyyy`, with `-` instead of `/`, and ISO `T` timestamps, because one .NET status builder and
//! several provincial systems write them so. Day and month are checked for range only (1–31, 1–12): a packet
//! with 30 February from another system is still a packet to receive, not one to throw away.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// A date and a time of day (local time of the sender; packets carry no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EdDateTime {
    pub date: EdDate,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl EdDate {
    /// A date in range, or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day))
            .then_some(Self { year, month, day })
    }

    /// Reads `yyyy/MM/dd`, `dd/MM/yyyy` (or with `-` or `.`).
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.trim().split(['/', '-', '.']).collect();
        let [a, b, c] = parts.as_slice() else {
            return None;
        };
        let num = |s: &str| -> Option<u16> {
            (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())?
        };
        let (a_n, b_n, c_n) = (num(a)?, num(b)?, num(c)?);
        if a.len() == 4 {
            Self::new(a_n, u8::try_from(b_n).ok()?, u8::try_from(c_n).ok()?)
        } else if c.len() == 4 {
            Self::new(c_n, u8::try_from(b_n).ok()?, u8::try_from(a_n).ok()?)
        } else {
            None
        }
    }
}

impl EdDateTime {
    /// Reads a date, then optionally ` HH:mm[:ss]` or `THH:mm[:ss]` (a trailing fraction or zone is ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (date, time) = match text.find([' ', 'T']) {
            Some(i) => (&text[..i], text[i + 1..].trim()),
            None => (text, ""),
        };
        let date = EdDate::parse(date)?;
        if time.is_empty() {
            return Some(Self {
                date,
                hour: 0,
                minute: 0,
                second: 0,
            });
        }
        // "11:08:36", "11:08:36.123", "11:08:36+07:00", "11:08".
        let clock = time.split(['.', '+', 'Z']).next().unwrap_or("");
        let mut fields = clock.split(':').map(|s| {
            (s.len() <= 2 && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u8>().ok())?
        });
        let hour = fields.next()??;
        let minute = fields.next()??;
        let second = fields.next().unwrap_or(Some(0))?;
        if fields.next().is_some() || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        Some(Self {
            date,
            hour,
            minute,
            second,
        })
    }
}

impl fmt::Display for EdDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}/{:02}/{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for EdDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            self.date, self.hour, self.minute, self.second
        )
    }
}

impl Serialize for EdDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EdDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("ngày không hợp lệ: {text:?} (yyyy/MM/dd)"))
        })
    }
}

impl Serialize for EdDateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EdDateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "thời điểm không hợp lệ: {text:?} (yyyy/MM/dd HH:mm:ss)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_orders_and_separators() {
        let want = EdDate::new(2015, 9, 30).unwrap();
        for t in [
            "2015/09/30",
            "30/09/2015",
            "2015-09-30",
            "30-9-2015",
            " 2015/9/30 ",
        ] {
            assert_eq!(EdDate::parse(t), Some(want), "{t}");
        }
        assert_eq!(want.to_string(), "2015/09/30");
    }

    #[test]
    fn impossible_in_calendar_but_in_range_is_kept() {
        assert_eq!(
            EdDate::parse("2019/02/30").unwrap().to_string(),
            "2019/02/30"
        );
    }

    #[test]
    fn out_of_range_and_garbage_are_refused() {
        for t in [
            "2015/13/01",
            "2015/00/10",
            "2015/01/32",
            "15/01/15",
            "",
            "abc",
            "2015/01",
            "2015/01/01/01",
            "２０１５/01/01",
        ] {
            assert_eq!(EdDate::parse(t), None, "{t}");
        }
    }

    #[test]
    fn timestamps() {
        let t = EdDateTime::parse("2015/09/20 11:08:36").unwrap();
        assert_eq!(t.to_string(), "2015/09/20 11:08:36");
        assert_eq!(EdDateTime::parse("20/09/2015 11:08:36"), Some(t));
        assert_eq!(EdDateTime::parse("2015-09-20T11:08:36.120+07:00"), Some(t));
        assert_eq!(
            EdDateTime::parse("2018/09/28").unwrap().to_string(),
            "2018/09/28 00:00:00"
        );
        assert_eq!(EdDateTime::parse("2018/09/28 24:00:00"), None);
        assert_eq!(EdDateTime::parse("2018/09/28 1:2:3:4"), None);
    }
}
