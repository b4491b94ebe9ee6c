//! Uploaded files (IV-02): the kinds we accept, their media types, and the user's file name made
//! safe to store and to send back.

/// What an upload turned out to be, decided by its bytes alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
    Xlsx,
    Docx,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [Self::Jpeg, Self::Png, Self::Pdf, Self::Xlsx, Self::Docx];

    /// The stored `kind` column: `image`, `pdf`, `xlsx` or `docx`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Jpeg | Self::Png => "image",
            Self::Pdf => "pdf",
            Self::Xlsx => "xlsx",
            Self::Docx => "docx",
        }
    }

    /// The media type we serve it with (never the client's).
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    pub fn from_media_type(m: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.media_type() == m)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Pdf => "pdf",
            Self::Xlsx => "xlsx",
            Self::Docx => "docx",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png)
    }
}

/// Longest stored file name, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// The user's file name made safe: no path parts, no control or bidi-override characters, no
/// quotes or backslashes, no leading dots, at most [`MAX_NAME_CHARS`] characters, and ending in
/// the extension of what the bytes are (`photo.exe` that is a JPEG is stored as `photo.exe.jpg`).
pub fn sanitize_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | '\\' | ':' | '*' | '?' | '<' | '>' | '|')
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let ext = kind.extension();
    let has_ext = cleaned.rsplit_once('.').is_some_and(|(stem, e)| {
        !stem.is_empty() && (e.eq_ignore_ascii_case(ext) || (kind == FileKind::Jpeg && e.eq_ignore_ascii_case("jpeg")))
    });
    let suffix = if has_ext { String::new() } else { format!(".{ext}") };
    let stem: String = if cleaned.is_empty() { "file".to_owned() } else { cleaned.to_owned() };
    let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
    let stem: String = if stem.chars().count() > room {
        // Keep the name's own extension when cutting a long one that already has it.
        if has_ext {
            let dot = stem.rfind('.').unwrap_or(stem.len());
            let tail = &stem[dot..];
            let head: String = stem[..dot].chars().take(room.saturating_sub(tail.chars().count())).collect();
            format!("{head}{tail}")
        } else {
            stem.chars().take(room).collect()
        }
    } else {
        stem
    };
    format!("{stem}{suffix}")
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_controls_and_get_the_real_extension() {
        let long = format!("{}.pdf", "长".repeat(300));
        let cases: Vec<(&str, FileKind, String)> = vec![
            ("现场照片.jpg", FileKind::Jpeg, "现场照片.jpg".into()),
            ("IMG_0001.JPEG", FileKind::Jpeg, "IMG_0001.JPEG".into()),
            ("../../etc/passwd", FileKind::Pdf, "passwd.pdf".into()),
            ("C:\\Users\\a\\报表.xlsx", FileKind::Xlsx, "报表.xlsx".into()),
            ("evil\r\nSet-Cookie: x.png", FileKind::Png, "evilSet-Cookie x.png".into()),
            ("invoice\u{202E}fdp.exe", FileKind::Pdf, "invoicefdp.exe.pdf".into()),
            ("virus.exe", FileKind::Jpeg, "virus.exe.jpg".into()),
            ("..", FileKind::Docx, "file.docx".into()),
            ("", FileKind::Png, "file.png".into()),
            (".bashrc", FileKind::Pdf, "bashrc.pdf".into()),
            ("a\"b.pdf", FileKind::Pdf, "ab.pdf".into()),
            (long.as_str(), FileKind::Pdf, format!("{}.pdf", "长".repeat(MAX_NAME_CHARS - 4))),
        ];
        for (raw, kind, want) in cases {
            let got = sanitize_name(raw, kind);
            assert_eq!(got, want, "{raw:?}");
            assert!(got.chars().count() <= MAX_NAME_CHARS, "{raw:?}");
        }
    }

    #[test]
    fn media_types_round_trip() {
        for k in FileKind::ALL {
            assert_eq!(FileKind::from_media_type(k.media_type()), Some(k));
        }
    }
}
