//! A Kubernetes minor release, such as `1.29`: what `--kubernetes-version` names and what the
//! deprecated-API table (`rules/deprecated-apis.yaml`) is written in.

use std::fmt;
use std::str::FromStr;

/// A Kubernetes release `major.minor`. A patch number is accepted when parsing and dropped:
/// API versions are served or removed per minor release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        KubeVersion { major, minor }
    }

    /// The release before this one within the same major version (`1.22` → `1.21`).
    pub fn previous(self) -> Option<KubeVersion> {
        self.minor.checked_sub(1).map(|minor| KubeVersion {
            major: self.major,
            minor,
        })
    }

    /// The release after this one (`1.21` → `1.22`).
    pub fn next(self) -> KubeVersion {
        KubeVersion {
            major: self.major,
            minor: self.minor.saturating_add(1),
        }
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A number written in decimal digits, without sign or leading zero.
fn number(part: &str) -> Option<u32> {
    let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = part.len() > 1 && part.starts_with('0');
    if digits && !leading_zero {
        part.parse().ok()
    } else {
        None
    }
}

impl FromStr for KubeVersion {
    type Err = String;

    /// Accepts `1.29`, `v1.29` and `1.29.3`; anything else is an error.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err =
            || format!("`{s}` is not a Kubernetes release: write it as 1.29, v1.29 or 1.29.3");
        let body = s.strip_prefix('v').unwrap_or(s);
        let parts: Vec<&str> = body.split('.').collect();
        let (major, minor, patch) = match parts.as_slice() {
            [major, minor] => (*major, *minor, None),
            [major, minor, patch] => (*major, *minor, Some(*patch)),
            _ => return Err(err()),
        };
        let (Some(major), Some(minor)) = (number(major), number(minor)) else {
            return Err(err());
        };
        if patch.is_some_and(|p| number(p).is_none()) || major == 0 {
            return Err(err());
        }
        Ok(KubeVersion { major, minor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Result<KubeVersion, String> {
        s.parse()
    }

    #[test]
    fn parses_the_three_spellings() {
        assert_eq!(v("1.29"), Ok(KubeVersion::new(1, 29)));
        assert_eq!(v("v1.29"), Ok(KubeVersion::new(1, 29)));
        assert_eq!(v("1.29.3"), Ok(KubeVersion::new(1, 29)));
        assert_eq!(v("v1.9.0"), Ok(KubeVersion::new(1, 9)));
        assert_eq!(v("1.0"), Ok(KubeVersion::new(1, 0)));
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "1",
            "v",
            "v1",
            "1.",
            ".29",
            "1.29.",
            "1.29.3.4",
            "1.x",
            "1.29-rc.1",
            "V1.29",
            "vv1.29",
            " 1.29",
            "1.29 ",
            "+1.29",
            "1.-2",
            "1.029",
            "01.29",
            "0.29",
            "1.29.x",
            "1,29",
            "99999999999.1",
            "latest",
        ] {
            let e = v(bad).expect_err(bad);
            assert!(e.contains("1.29, v1.29 or 1.29.3"), "{bad}: {e}");
        }
    }

    #[test]
    fn orders_by_minor_not_by_text() {
        assert!(v("1.9").unwrap() < v("1.10").unwrap());
        assert!(v("1.22").unwrap() > v("1.9").unwrap());
        assert!(v("2.0").unwrap() > v("1.99").unwrap());
        assert_eq!(v("1.25.7").unwrap(), v("v1.25").unwrap());
    }

    #[test]
    fn displays_major_dot_minor() {
        assert_eq!(v("v1.29.3").unwrap().to_string(), "1.29");
        assert_eq!(
            KubeVersion::new(1, 22).previous(),
            Some(KubeVersion::new(1, 21))
        );
        assert_eq!(KubeVersion::new(1, 0).previous(), None);
        assert_eq!(KubeVersion::new(1, 21).next(), KubeVersion::new(1, 22));
    }
}
