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
    /// The UTC calendar time of `secs` seconds since 1970-01-01 00:00:00 (negative: before),
    /// as `gmtime` gives it; None when the year does not fit.
    pub(crate) fn from_unix(secs: i64) -> Option<Time> {
        let days = secs.div_euclid(86_400);
        let rest = secs.rem_euclid(86_400);
        // Days to civil date (proleptic Gregorian), in eras of 400 years from 0000-03-01.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let mon = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(mon <= 2);
        Some(Time {
            year: i32::try_from(year).ok()?,
            mon: mon as i32,
            day: day as i32,
            hour: (rest / 3600) as i32,
            min: (rest / 60 % 60) as i32,
            sec: (rest % 60) as i32,
        })
    }

    /// The current UTC time (None if the clock is out of range).
    pub(crate) fn now() -> Option<Time> {
        let now = std::time::SystemTime::now();
        let secs = match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).ok()?,
            Err(e) => -i64::try_from(e.duration().as_secs()).ok()?,
        };
        Time::from_unix(secs)
    }

    /// `mbedtls_x509_time_cmp`: negative when `self` is earlier than `other`, 0 when equal,
    /// positive when later. Mbed TLS compares packed fields (`year << 9 | mon << 5 | day`, then
    /// `hour << 12 | min << 6 | sec`) and returns their difference; so does this, so that the
    /// values (not only the signs) are Mbed TLS's, also for out-of-range fields.
    pub(crate) fn cmp_mbedtls(&self, other: &Time) -> i32 {
        let date = |t: &Time| (t.year.wrapping_shl(9)) | (t.mon.wrapping_shl(5)) | t.day;
        let clock = |t: &Time| (t.hour.wrapping_shl(12)) | (t.min.wrapping_shl(6)) | t.sec;
        match date(self).wrapping_sub(date(other)) {
            0 => clock(self).wrapping_sub(clock(other)),
            x => x,
        }
    }
}

impl core::fmt::Display for Time {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04}-{:02}-{:02} {:02}:{:02}:{:02}", self.year, self.mon, self.day, self.hour, self.min, self.sec)
    }
}

/// True when the next element of `r` is a UTCTime or GeneralizedTime.
pub(super) fn time_follows(r: &Reader<'_>) -> bool {
    matches!(r.peek_tag(), Some(der::UTC_TIME | der::GENERALIZED_TIME))
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
