//! `vanban bench ltv`: what the long-term validation step adds at issue (docs/BENCHMARKS.md, issue 17), timed
//! in-process so no process start is counted: the DSS alone, the whole step as the server runs it (DSS and a
//! document timestamp from the TSA, `tsa::ltv::append`), and the verification of the final file the server
//! then makes for the recipients' verdict.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;

#[derive(Args)]
pub struct LtvArgs {
    /// A signed PDF (its signatures timestamped: B-T).
    #[arg(long)]
    file: PathBuf,
    /// Trust anchors (PEM), repeatable.
    #[arg(long, required = true)]
    trust: Vec<PathBuf>,
    /// CRLs (DER or PEM), repeatable.
    #[arg(long, required = true)]
    crl: Vec<PathBuf>,
    /// The RFC 3161 TSA for the document timestamp.
    #[arg(long)]
    tsa: String,
    #[arg(long, default_value_t = 50)]
    runs: usize,
}

fn stats(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let median = ms[ms.len() / 2];
    let p95 = ms[(ms.len() * 95).div_ceil(100).saturating_sub(1)];
    println!("   {label:<46} trung vị {median:7.2} ms, p95 {p95:7.2} ms");
}

pub async fn run(args: LtvArgs) -> anyhow::Result<()> {
    let data = std::fs::read(&args.file).with_context(|| format!("{}", args.file.display()))?;
    let mut anchors = Vec::new();
    for t in &args.trust {
        anchors.extend(shared::pki::certs_from_pem_or_der(&std::fs::read(t)?)?);
    }
    let mut crls = Vec::new();
    for c in &args.crl {
        crls.push(shared::pki::crl_from_pem_or_der(&std::fs::read(c)?)?);
    }
    let pages = shared::pdf::document::Document::open(&data[..])?
        .pages()?
        .len();
    let options = shared::pdf::verify::VerifyOptions {
        trust_anchors: anchors.clone(),
        crls: vec![],
        ocsps: vec![],
    };
    let (mut dss, mut step, mut check) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = Vec::new();
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        shared::pdf::ltv::append_dss(&data[..], &anchors, &crls, &[])?;
        dss.push(t.elapsed().as_secs_f64() * 1000.0);

        let t = Instant::now();
        let out = vanban::tsa::ltv::append(
            data.clone(),
            anchors.clone(),
            vanban::tsa::ltv::Held {
                crls: crls.clone(),
                ocsps: Vec::new(),
            },
            Some(args.tsa.clone()),
        )
        .await?;
        step.push(t.elapsed().as_secs_f64() * 1000.0);

        let t = Instant::now();
        let reports = tokio::task::spawn_blocking({
            let out = out.clone();
            let options = shared::pdf::verify::VerifyOptions {
                trust_anchors: options.trust_anchors.clone(),
                crls: vec![],
                ocsps: vec![],
            };
            move || shared::pdf::verify::verify_document(&out[..], &options)
        })
        .await??;
        check.push(t.elapsed().as_secs_f64() * 1000.0);
        if reports
            .iter()
            .any(|r| !r.ok || r.level != shared::signature::SignatureLevel::BLTA)
        {
            bail!("the file is not B-LTA after the step");
        }
        last = out;
    }
    println!(
        "   tệp {} trang, {} KB; sau bước LTV {} KB; {} lần",
        pages,
        data.len() / 1024,
        last.len() / 1024,
        args.runs.max(1)
    );
    stats("DSS (chứng thư + CRL, trong bộ nhớ)", dss);
    stats("bước LTV khi phát hành (DSS + dấu thời gian)", step);
    stats("kiểm tra lại tệp cuối (cho kết quả gửi nơi nhận)", check);
    Ok(())
}
