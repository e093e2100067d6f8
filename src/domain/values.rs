//! Input values parsed into types: once a value has one of these types it is known to be valid.

use std::fmt;

/// Why a value did not parse: a stable code and a sentence for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

fn invalid(code: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        code,
        message: message.into(),
    }
}

/// A 12-digit AWS account ID; credits attach to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsAccountId(String);

impl AwsAccountId {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        if trimmed.len() == 12 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(invalid(
                "INVALID_AWS_ACCOUNT_ID",
                "an AWS account ID is exactly 12 digits",
            ))
        }
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An http(s) URL with a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Website(String);

impl Website {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .ok_or_else(|| invalid("INVALID_WEBSITE", "the website must be an http(s) URL"))?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_ok = !host.is_empty()
            && host.contains('.')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
            && !host.starts_with(['.', '-']);
        if !host_ok || trimmed.len() > 2048 || trimmed.chars().any(char::is_whitespace) {
            return Err(invalid(
                "INVALID_WEBSITE",
                "the website must be an http(s) URL with a host name",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryCode(String);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let upper = raw.trim().to_ascii_uppercase();
        if ISO_3166_ALPHA2.binary_search(&upper.as_str()).is_ok() {
            Ok(Self(upper))
        } else {
            Err(invalid(
                "INVALID_COUNTRY",
                "the country must be an ISO 3166-1 alpha-2 code such as GB or US",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// The shape of an email address (something@domain.tld, no spaces, at most 254 characters): enough to catch a
/// typo, not a promise that the mailbox exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = raw.trim();
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            })
            && !email.chars().any(char::is_whitespace);
        if valid {
            Ok(Self(email.to_owned()))
        } else {
            Err(invalid("INVALID_EMAIL", "not an email address"))
        }
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A share between 0 and 1 inclusive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share(f64);

impl Share {
    pub fn parse(raw: f64) -> Result<Self, Invalid> {
        if raw.is_finite() && (0.0..=1.0).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(invalid(
                "INVALID_SHARE",
                "the share must be between 0 and 1",
            ))
        }
    }
    pub fn value(self) -> f64 {
        self.0
    }
}

/// A whole, non-negative number of US dollars, at most [`policy::MAX_USD_AMOUNT`](crate::policy::MAX_USD_AMOUNT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UsdAmount(i64);

impl UsdAmount {
    pub const MAX: Self = Self(crate::policy::MAX_USD_AMOUNT);

    pub fn parse(raw: i64) -> Result<Self, Invalid> {
        if raw < 0 {
            Err(invalid(
                "NEGATIVE_AMOUNT",
                "amounts are whole US dollars and cannot be negative",
            ))
        } else if raw > crate::policy::MAX_USD_AMOUNT {
            Err(invalid(
                "AMOUNT_OUT_OF_RANGE",
                format!("amounts are at most {}", Self::MAX),
            ))
        } else {
            Ok(Self(raw))
        }
    }
    pub fn value(self) -> i64 {
        self.0
    }
}

/// The sum of amounts of US dollars, saturating instead of wrapping: a sum too large for `i64` (only rows stored
/// before amounts were bounded could make one) stays the largest number, which fails every band and cap it meets.
/// `an ADMIN`, `a DRAFT`: an enum name with the article English reads it with (each of acegate's names that starts
/// with a vowel letter also starts with a vowel sound).
pub fn with_article(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_uppercase(), 'A' | 'E' | 'I' | 'O' | 'U'));
    format!("{} {name}", if vowel { "an" } else { "a" })
}

pub fn sum_usd(amounts: impl IntoIterator<Item = i64>) -> i64 {
    amounts.into_iter().fold(0i64, i64::saturating_add)
}

impl fmt::Display for UsdAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "${grouped}")
    }
}

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let bad = || invalid("INVALID_MONTH", "the month must be written YYYY-MM");
        let (year, month) = raw.trim().split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1970..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }

    pub fn of(at: chrono::DateTime<chrono::Utc>) -> Self {
        use chrono::Datelike;
        Self {
            year: at.year(),
            month: at.month(),
        }
    }

    /// The month `n` months before this one.
    pub fn minus(self, n: u32) -> Self {
        let index = self.year * 12 + self.month as i32 - 1 - n as i32;
        Self {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The first character of `text` that no stored text may hold (NUL and the other C0 and C1 controls, bidirectional
/// overrides and isolates), or `None`. Newlines and tabs pass; `\r` only before `\n`.
pub fn refused_character(text: &str) -> Option<(usize, char)> {
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let refused = match c {
            '\n' | '\t' => false,
            '\r' => chars.peek().map(|(_, next)| *next) != Some('\n'),
            c if c.is_control() => true,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
            _ => false,
        };
        if refused {
            return Some((at, c));
        }
    }
    None
}

/// The sentence that names a refused character.
pub fn describe_refused(c: char) -> String {
    let kind = if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
        "a bidirectional override"
    } else {
        "a control character"
    };
    format!("text may not contain {kind} (U+{:04X})", u32::from(c))
}

/// Checks a free-text field: trimmed, non-empty, at most `max` characters, no control characters or bidirectional
/// overrides. A short field (a name, a label: at most [`MAX_SHORT_TEXT_CHARS`](crate::policy::MAX_SHORT_TEXT_CHARS))
/// is one line, so it refuses newlines and tabs too; a long text keeps them.
pub fn text(raw: &str, max: usize) -> Result<String, Invalid> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(invalid("REQUIRED", "this field cannot be blank"));
    }
    if trimmed.chars().count() > max {
        return Err(invalid("TOO_LONG", format!("at most {max} characters")));
    }
    if let Some((_, c)) = refused_character(trimmed) {
        return Err(invalid("INVALID_CHARACTERS", describe_refused(c)));
    }
    if max <= crate::policy::MAX_SHORT_TEXT_CHARS
        && trimmed.contains(['\n', '\r', '\t', '\u{2028}', '\u{2029}'])
    {
        return Err(invalid(
            "INVALID_CHARACTERS",
            "this field is one line: no line breaks or tabs",
        ));
    }
    Ok(trimmed.to_owned())
}

/// ISO 3166-1 alpha-2 codes, sorted for binary search.
const ISO_3166_ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_aws_account_id_is_exactly_twelve_digits() {
        assert!(AwsAccountId::parse("123456789012").is_ok());
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901a",
            "",
            "1234 5678 9012",
        ] {
            assert_eq!(
                AwsAccountId::parse(bad).unwrap_err().code,
                "INVALID_AWS_ACCOUNT_ID",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_website_is_an_http_or_https_url_with_a_host() {
        assert!(Website::parse("https://northwind.example.com/about").is_ok());
        assert!(Website::parse("http://example.io").is_ok());
        for bad in [
            "ftp://example.com",
            "example.com",
            "https://",
            "https://nodot",
            "javascript:alert(1)",
            "https://a b.com",
        ] {
            assert!(Website::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn countries_are_iso_codes_and_the_table_is_sorted() {
        assert!(ISO_3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(CountryCode::parse("gb").unwrap().as_str(), "GB");
        assert!(CountryCode::parse("UK").is_err() && CountryCode::parse("GBR").is_err());
    }

    #[test]
    fn shares_are_between_zero_and_one() {
        assert!(Share::parse(0.0).is_ok() && Share::parse(1.0).is_ok());
        assert!(
            Share::parse(-0.1).is_err()
                && Share::parse(1.01).is_err()
                && Share::parse(f64::NAN).is_err()
        );
    }

    #[test]
    fn months_parse_print_and_step_back_across_years() {
        let m = Month::parse("2026-01").unwrap();
        assert_eq!(m.to_string(), "2026-01");
        assert_eq!(m.minus(1).to_string(), "2025-12");
        assert_eq!(m.minus(13).to_string(), "2024-12");
        assert!(Month::parse("2026-13").is_err() && Month::parse("26-01").is_err());
    }

    #[test]
    fn dollars_print_with_thousands_separators() {
        assert_eq!(UsdAmount::parse(125_000).unwrap().to_string(), "$125,000");
        assert_eq!(UsdAmount::parse(0).unwrap().to_string(), "$0");
        assert!(UsdAmount::parse(-1).is_err());
    }
}
