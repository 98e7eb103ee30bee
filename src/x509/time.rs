//! Validity times: `UTCTime` / `GeneralizedTime` into a calendar time, as `mbedtls_x509_time`
//! holds it.

use crate::der::{self, Reader};
use crate::error::Error;

/// A UTC calendar time, as in `mbedtls_x509_time`. Ordering is chronological.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Time {
    pub(crate) year: i32,
    pub(crate) mon: i32,
    pub(crate) day: i32,
    pub(crate) hour: i32,
    pub(crate) min: i32,
    pub(crate) sec: i32,
}

impl Time {
    /// The UTC calendar time of `secs` seconds after 1970-01-01 00:00:00 UTC.
    pub(crate) fn from_unix(secs: u64) -> Time {
        // Days to civil date: the proleptic Gregorian calendar counted in 400-year eras from
        // 0000-03-01, so that leap days fall at the end of each year.
        let days = (secs / 86_400) as i64 + 719_468;
        let rem = (secs % 86_400) as i32;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as i32;
        let mon = if mp < 10 { mp + 3 } else { mp - 9 } as i32;
        let year = (year_of_era + era * 400) as i32 + i32::from(mon <= 2);
        Time { year, mon, day, hour: rem / 3600, min: rem / 60 % 60, sec: rem % 60 }
    }
}

impl core::fmt::Display for Time {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04}-{:02}-{:02} {:02}:{:02}:{:02}", self.year, self.mon, self.day, self.hour, self.min, self.sec)
    }
}

/// Time ::= UTCTime (YYMMDDHHMMSS[Z]) | GeneralizedTime (YYYYMMDDHHMMSS[Z]).
pub(super) fn parse_time(r: &mut Reader<'_>) -> Result<Time, Error> {
    let err = Error::X509InvalidDate;
    let tlv = r.read_any(err)?;
    let year_len = match tlv.tag {
        der::UTC_TIME => 2,
        der::GENERALIZED_TIME => 4,
        _ => return Err(err),
    };
    let text = match tlv.value {
        [digits @ .., b'Z'] => digits,
        all => all,
    };
    if text.len() != year_len + 10 || !text.iter().all(u8::is_ascii_digit) {
        return Err(err);
    }
    let num = |from: usize, len: usize| -> i32 {
        text[from..from + len].iter().fold(0, |acc, &d| acc * 10 + (d - b'0') as i32)
    };
    let mut year = num(0, year_len);
    if year_len == 2 {
        year += if year < 50 { 2000 } else { 1900 };
    }
    let time = Time {
        year,
        mon: num(year_len, 2),
        day: num(year_len + 2, 2),
        hour: num(year_len + 4, 2),
        min: num(year_len + 6, 2),
        sec: num(year_len + 8, 2),
    };
    let leap = (time.year % 4 == 0 && time.year % 100 != 0) || time.year % 400 == 0;
    let month_len = match time.mon {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(err),
    };
    if !(1..=month_len).contains(&time.day) || time.hour > 23 || time.min > 59 || time.sec > 59 {
        return Err(err);
    }
    Ok(time)
}
