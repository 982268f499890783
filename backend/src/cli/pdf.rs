//! `vanban pdf`: sign, fill, verify and hash PDFs from the command line with the same core the browser runs.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use clap::{Subcommand, ValueEnum};
use shared::pdf::appearance::DisplayRect;
use shared::pdf::cms::{Padding, RsaSigner};
use shared::pdf::sign::{SignatureKind, SignatureRequest};
use shared::time::Timestamp;

/// Where `fill-number --code` points the QR code when neither `--url-base` nor `VANBAN_PUBLIC_URL` says.
pub const DEFAULT_URL_BASE: &str = "http://localhost:8080";

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Signer,
    Seal,
    Attachment,
}

#[derive(Subcommand)]
pub enum PdfCommand {
    /// Print the SHA-256 of a file, read in chunks (a 200 MB file is never held in memory).
    Hash { file: PathBuf },
    /// Sign IN into OUT as an incremental update (PAdES, ETSI.CAdES.detached).
    Sign {
        input: PathBuf,
        output: PathBuf,
        #[arg(long)]
        p12: PathBuf,
        #[arg(long)]
        pin: String,
        /// signer: a person's signature; seal: the agency's seal (a visible seal needs --image);
        /// attachment: the agency's signature on an attachment (a text box).
        #[arg(long, value_enum, default_value = "signer")]
        kind: KindArg,
        /// Page number, from 1.
        #[arg(long, default_value_t = 1)]
        page: usize,
        /// x,y,w,h in points from the bottom left of the page as displayed; invisible when absent. With
        /// --kind seal, the signer's signature box the seal overlaps (a visible seal also needs --image).
        #[arg(long)]
        rect: Option<String>,
        /// PNG image: the handwritten signature (signer; without it the box shows who signed and when) or
        /// the seal (seal: required for a visible seal, i.e. with --rect; a transparent background).
        #[arg(long)]
        image: Option<PathBuf>,
        /// Text lines of the appearance (attachment: number and notation of the main document).
        #[arg(long)]
        text: Option<String>,
        /// RSASSA-PSS instead of PKCS#1 v1.5.
        #[arg(long)]
        pss: bool,
        /// An RFC 3161 time-stamping authority (http://host:port/path): the signature gets a signature
        /// timestamp from it (PAdES B-T).
        #[arg(long)]
        tsa: Option<String>,
    },
    /// Fill the number and date into the fields reserved in the draft (an incremental update: earlier
    /// signatures stay valid, modified by form filling only).
    FillNumber {
        input: PathBuf,
        output: PathBuf,
        #[arg(long)]
        number: u32,
        /// The notation after the number, e.g. QĐ-UBND.
        #[arg(long)]
        notation: String,
        /// YYYY-MM-DD
        #[arg(long)]
        date: String,
        /// The verification code of the number's reservation (XXXX-XXXX-XXXX): drawn with its QR code into
        /// the field the draft reserved for it, exactly as the browser draws it.
        #[arg(long)]
        code: Option<String>,
        /// The server's public address the QR code points to (`{url-base}/xac-minh/{code}`).
        #[arg(long, env = "VANBAN_PUBLIC_URL", default_value = DEFAULT_URL_BASE)]
        url_base: String,
    },
    /// Reserve the number and date fields in a draft (what the draft upload does), and the verification
    /// stamp's field on the last page, outside its text.
    ReserveNumber {
        input: PathBuf,
        output: PathBuf,
        #[arg(long, default_value_t = 1)]
        page: usize,
        /// x,y,w,h of the number ("05/QĐ-UBND") on the displayed page.
        #[arg(long, default_value = "60,690,170,20")]
        number_rect: String,
        /// x,y,w,h of the date ("ngày 05 tháng 02 năm 2026").
        #[arg(long, default_value = "250,690,220,20")]
        date_rect: String,
    },
    /// Verify every signature; exit 0 only when all are valid, trusted and modified at most by form filling.
    Verify {
        file: PathBuf,
        /// Trust anchor certificates (PEM or DER), repeatable.
        #[arg(long)]
        trust: Vec<PathBuf>,
        /// CRLs (DER or PEM), repeatable.
        #[arg(long)]
        crl: Vec<PathBuf>,
        /// OCSP responses (DER, as a responder answers), repeatable.
        #[arg(long)]
        ocsp: Vec<PathBuf>,
        /// Print a JSON array, one object per signature.
        #[arg(long)]
        json: bool,
    },
    /// Append the validation data of every signature and timestamp (a DSS: certificates up to the trust
    /// anchors, and for each certificate its issuer's CRL or an OCSP response about it, PAdES B-LT) and, with --tsa, a document timestamp over the whole file
    /// (B-LTA), each as an incremental update: earlier signatures stay valid. Run again on an archived file
    /// before its last timestamp's certificate expires, it renews the archive timestamp.
    Ltv {
        input: PathBuf,
        output: PathBuf,
        /// Trust anchor certificates (PEM or DER), repeatable: where each chain must end.
        #[arg(long, required = true)]
        trust: Vec<PathBuf>,
        /// CRLs (DER or PEM), repeatable: one from each issuer of every chain (or an OCSP response instead).
        #[arg(long)]
        crl: Vec<PathBuf>,
        /// OCSP responses (DER), repeatable: one about a certificate stands in for its issuer's CRL.
        #[arg(long)]
        ocsp: Vec<PathBuf>,
        /// An RFC 3161 time-stamping authority (http://host:port/path) for the document timestamp.
        #[arg(long)]
        tsa: Option<String>,
    },
    /// Print the text layer (what full-text search indexes): pages separated by a blank line.
    Text { file: PathBuf },
    /// Print the box the page's content covers (user space and as displayed) and the free margins around it.
    Bbox {
        file: PathBuf,
        /// Page number, from 1; every page when absent.
        #[arg(long)]
        page: Option<usize>,
    },
}

pub fn run(command: PdfCommand) -> anyhow::Result<()> {
    match command {
        PdfCommand::Hash { file } => {
            println!("{}", hash_file(&file)?);
            Ok(())
        }
        PdfCommand::Sign {
            input,
            output,
            p12,
            pin,
            kind,
            page,
            rect,
            image,
            text,
            pss,
            tsa,
        } => {
            let (key, certificates) = shared::pki::from_pkcs12(&read(&p12)?, &pin)?;
            let (signer_name, organization) = shared::pki::subject_names(&certificates[0]);
            let signer = RsaSigner {
                key,
                certificates,
                padding: if pss { Padding::Pss } else { Padding::Pkcs1v15 },
            };
            if page == 0 {
                bail!("Số trang bắt đầu từ 1.");
            }
            let request = SignatureRequest {
                kind: match kind {
                    KindArg::Signer => SignatureKind::Signer,
                    KindArg::Seal => SignatureKind::Seal,
                    KindArg::Attachment => SignatureKind::Attachment,
                },
                page: page - 1,
                rect: rect.as_deref().map(parse_rect).transpose()?,
                image_png: image.as_deref().map(read).transpose()?,
                text,
                signer_name,
                organization,
                time: now(),
            };
            let data = read(&input)?;
            let appended = match tsa {
                None => shared::pdf::sign::sign(&data, &request, &signer)?,
                Some(url) => {
                    shared::pdf::sign::sign_timestamped(&data, &request, &signer, &mut |value| {
                        vanban::tsa::client::request_token_blocking(&url, value, None)
                            .map_err(|e| shared::pdf::PdfError::Signing(e.to_string()))
                    })?
                }
            };
            write_atomically(&output, &[&data, &appended])
        }
        PdfCommand::FillNumber {
            input,
            output,
            number,
            notation,
            date,
            code,
            url_base,
        } => {
            let date = parse_date(&date)?;
            let data = read(&input)?;
            let stamp = code
                .map(|c| {
                    shared::verification::VerificationCode::parse(&c)
                        .map(|c| shared::pdf::stamp::Stamp {
                            url: c.url(&url_base),
                            code: c.to_string(),
                        })
                        .ok_or_else(|| anyhow!("Mã xác minh không đúng dạng XXXX-XXXX-XXXX: {c}"))
                })
                .transpose()?;
            let appended =
                shared::pdf::fill::fill_number(&data, number, &notation, date, stamp.as_ref())?;
            write_atomically(&output, &[&data, &appended])
        }
        PdfCommand::ReserveNumber {
            input,
            output,
            page,
            number_rect,
            date_rect,
        } => {
            if page == 0 {
                bail!("Số trang bắt đầu từ 1.");
            }
            let layout = shared::pdf::fill::NumberFieldLayout {
                page: page - 1,
                number: parse_rect(&number_rect)?,
                date: parse_rect(&date_rect)?,
                verification: true,
            };
            let data = read(&input)?;
            let appended = shared::pdf::fill::reserve_number_fields(&data, &layout)?;
            write_atomically(&output, &[&data, &appended])
        }
        PdfCommand::Verify {
            file,
            trust,
            crl,
            ocsp,
            json,
        } => verify(&file, verify_options(&trust, &crl, &ocsp)?, json),
        PdfCommand::Ltv {
            input,
            output,
            trust,
            crl,
            ocsp,
            tsa,
        } => {
            let options = verify_options(&trust, &crl, &ocsp)?;
            let anchors = options.trust_anchors;
            let data = read(&input)?;
            let mut timestamper = |digest: &[u8; 32]| {
                let url = tsa.as_deref().unwrap_or_default();
                vanban::tsa::client::request_digest_token_blocking(url, digest, Some(&anchors))
                    .map_err(|e| shared::pdf::PdfError::LongTerm(e.to_string()))
            };
            let out = shared::pdf::ltv::make_ltv(
                &data,
                &anchors,
                &options.crls,
                &options.ocsps,
                tsa.is_some()
                    .then_some(&mut timestamper as shared::pdf::ltv::DigestTimestamper),
            )?;
            write_atomically(&output, &[&out])
        }
        PdfCommand::Text { file } => {
            use std::io::Write;
            let data = read(&file)?;
            let limits = shared::pdf::text::TextLimits::default();
            let text = shared::pdf::text::document_text(&data, &limits)?;
            // `vanban pdf text x.pdf | head` closes the pipe early: not an error.
            match writeln!(std::io::stdout().lock(), "{text}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
        PdfCommand::Bbox { file, page } => bbox(&file, page),
    }
}

/// `vanban pdf bbox`: one line per page, `trang N: x0 y0 x1 y1` in default user space, then the box on the
/// displayed page (from the crop box's bottom left, rotation applied) and the free area below it.
fn bbox(file: &Path, page: Option<usize>) -> anyhow::Result<()> {
    use shared::pdf::bbox::{content_bbox, free_areas};
    let data = read(file)?;
    let doc = shared::pdf::document::Document::open(&data)?;
    let pages = doc.pages()?;
    let chosen: Vec<usize> = match page {
        Some(0) => bail!("Số trang bắt đầu từ 1."),
        Some(n) if n > pages.len() => bail!("Tệp có {} trang.", pages.len()),
        Some(n) => vec![n - 1],
        None => (0..pages.len()).collect(),
    };
    let show = |r: Option<shared::pdf::appearance::DisplayRect>| match r {
        Some(r) => format!("x={:.1} y={:.1} w={:.1} h={:.1}", r.x, r.y, r.w, r.h),
        None => "-".into(),
    };
    for i in chosen {
        let page = &pages[i];
        match content_bbox(&doc, page) {
            Some([x0, y0, x1, y1]) => {
                let free = free_areas(&doc, page);
                println!(
                    "trang {}: {x0:.2} {y0:.2} {x1:.2} {y1:.2}\thiển thị: {}\ttrống phía dưới: {}",
                    i + 1,
                    show(free.content),
                    show(free.below)
                );
            }
            None => println!("trang {}: trống", i + 1),
        }
    }
    Ok(())
}

/// Trust anchors and CRLs read from files (PEM or DER).
/// The trust anchors, CRLs and OCSP responses named on the command line, read.
fn verify_options(
    trust: &[PathBuf],
    crls: &[PathBuf],
    ocsps: &[PathBuf],
) -> anyhow::Result<shared::pdf::verify::VerifyOptions> {
    let mut options = shared::pdf::verify::VerifyOptions::default();
    for t in trust {
        options
            .trust_anchors
            .extend(shared::pki::certs_from_pem_or_der(&read(t)?)?);
    }
    for c in crls {
        options
            .crls
            .push(shared::pki::crl_from_pem_or_der(&read(c)?)?);
    }
    for o in ocsps {
        options.ocsps.push(read(o)?);
    }
    Ok(options)
}

fn verify(
    file: &Path,
    options: shared::pdf::verify::VerifyOptions,
    json: bool,
) -> anyhow::Result<()> {
    use shared::pdf::verify::verify_document;
    let data = read(file)?;
    let reports = verify_document(&data, &options)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else if reports.is_empty() {
        println!("Tệp không có chữ ký số nào.");
    } else {
        for r in reports
            .iter()
            .cloned()
            .map(shared::worker_protocol::SignatureCheck::from)
        {
            let verdict = if r.ok {
                "HỢP LỆ"
            } else {
                "KHÔNG HỢP LỆ"
            };
            let what = if r.document_timestamp {
                "Dấu thời gian lưu trữ"
            } else {
                "Chữ ký"
            };
            println!("{what} {} — {verdict}", r.field);
            println!(
                "  Người ký: {} ({})",
                r.signer,
                r.organization.as_deref().unwrap_or("-")
            );
            println!("  Tổ chức cấp: {}", r.issuer);
            println!("  Số sê-ri chứng thư: {}", r.serial);
            println!(
                "  Thời gian ký: {}",
                r.signing_time.as_deref().unwrap_or("-")
            );
            if !r.document_timestamp {
                println!(
                    "  Dấu thời gian: {}",
                    shared::signature::timestamp_sentence(r.timestamp.as_ref())
                );
            }
            println!("  Mức chữ ký: {} ({})", r.level.as_str(), r.level.label());
            if let Some(s) = r.level.long_term_sentence(r.document_timestamp) {
                println!("  Lưu trữ dài hạn: {s}");
            }
            println!("  Thuật toán: {}", r.algorithm);
            println!(
                "  Phủ toàn bộ tệp: {}",
                if r.covers_whole_document {
                    "có"
                } else {
                    "không"
                }
            );
            println!("  Sửa đổi sau khi ký: {}", r.modification.label());
            println!("  Chứng thư số: {}", r.chain_status.label());
            println!("  Thu hồi: {}", r.revocation_status.label());
            if let Some(revocation) = &r.revocation {
                println!("  {}", revocation.sentence());
            }
            for p in &r.problems {
                println!("  - {p}");
            }
        }
    }
    if reports.is_empty() || reports.iter().any(|r| !r.ok) {
        std::process::exit(1);
    }
    Ok(())
}

fn parse_date(s: &str) -> anyhow::Result<(i32, u32, u32)> {
    let parts: Vec<&str> = s.split('-').collect();
    let bad = || anyhow!("--date phải có dạng YYYY-MM-DD");
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    let (y, m, d): (i32, u32, u32) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(1..=days).contains(&d) || !(1900..=9999).contains(&y) {
        return Err(bad());
    }
    Ok((y, m, d))
}

pub fn now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Timestamp(ms)
}

fn parse_rect(s: &str) -> anyhow::Result<DisplayRect> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| anyhow!("--rect phải có dạng x,y,w,h (số, đơn vị điểm)"))?;
    let [x, y, w, h] = v[..] else {
        bail!("--rect phải có đúng 4 số: x,y,w,h");
    };
    Ok(DisplayRect { x, y, w, h })
}

pub fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("không đọc được {}", path.display()))
}

/// Writes the parts to a temporary file beside `path`, then renames it: a reader never sees a half-written output.
pub fn write_atomically(path: &Path, parts: &[&[u8]]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        for p in parts {
            f.write_all(p)?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("không ghi được {}", path.display()))
}

/// The hex SHA-256 of a file, streamed through the same hasher the browser uses.
pub fn hash_file(path: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)
        .map_err(|e| anyhow!("không mở được tệp {}: {e}", path.display()))?;
    let mut hasher = shared::pdf::ByteRangeHasher::whole_file();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(shared::hex(&hasher.finish()?))
}
