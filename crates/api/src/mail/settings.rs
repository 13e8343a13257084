//! The settings of e-mail notifications (docs/operations.md, "Notifications").

use std::path::PathBuf;

/// Where and how messages are sent.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `HDS_SMTP_URL`, e.g. `smtp://user:password@smtp.example.no:587?tls=required`
    /// (STARTTLS required) or `smtps://...:465`; without it, each message is
    /// written as an `.eml` file under [`Self::dir`] (the local default).
    pub smtp_url: Option<String>,
    /// `HDS_MAIL_DIR`: where `.eml` files go without SMTP (default `.local/mail/`).
    pub dir: PathBuf,
    /// `HDS_MAIL_FROM`: the sender.
    pub from: String,
    /// `HDS_PORTAL_URL`: the link to log in that every message carries.
    pub portal_url: String,
    /// `HDS_MAIL_MAX_ATTEMPTS`: tries before a message is given up (FAILED).
    pub max_attempts: u32,
    /// `HDS_MAIL_RETRY_SECONDS`: the wait after the first failed try; it
    /// doubles after each next one (at most six hours).
    pub retry_seconds: u64,
}

impl MailSettings {
    /// The local default: `.eml` files under `dir`, links to `public_url`.
    pub fn local(dir: PathBuf, public_url: &str) -> Self {
        Self {
            smtp_url: None,
            dir,
            from: "Helsedataservice <ikke-svar@helsedata.no>".to_owned(),
            portal_url: public_url.to_owned(),
            max_attempts: 8,
            retry_seconds: 60,
        }
    }

    /// Whether the SMTP URL keeps the connection encrypted (STARTTLS
    /// required, or TLS from the start), or stays on this machine.
    pub fn smtp_is_encrypted_or_local(url: &str) -> bool {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("smtps://") || lower.contains("tls=required") {
            return true;
        }
        let authority = lower
            .trim_start_matches("smtp://")
            .split(['/', '?'])
            .next()
            .unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if host_port.starts_with('[') {
            host_port
                .split(']')
                .next()
                .unwrap_or_default()
                .trim_start_matches('[')
        } else {
            host_port.split(':').next().unwrap_or_default()
        };
        matches!(host, "127.0.0.1" | "localhost" | "::1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_encrypted_or_local_smtp_is_accepted_in_production() {
        assert!(MailSettings::smtp_is_encrypted_or_local(
            "smtp://u:p@smtp.example.no:587?tls=required"
        ));
        assert!(MailSettings::smtp_is_encrypted_or_local(
            "smtps://smtp.example.no"
        ));
        assert!(MailSettings::smtp_is_encrypted_or_local(
            "smtp://127.0.0.1:2525"
        ));
        assert!(!MailSettings::smtp_is_encrypted_or_local(
            "smtp://u:p@smtp.example.no:587"
        ));
        assert!(!MailSettings::smtp_is_encrypted_or_local(
            "smtp://localhost.evil.no:25"
        ));
        assert!(MailSettings::smtp_is_encrypted_or_local("smtp://[::1]:25"));
    }
}
