//! `cargo run --release -p edxml --example bench [MB] [SECONDS]`: packets with one attachment of MB megabytes
//! (default 5) built and parsed per second, each for SECONDS (default 5). Run under `/usr/bin/time -v` for the
//! peak memory (scripts/bench-edxml.sh does): the attachment is encoded straight into the output and decoded
//! once from the parser's text, so the peak stays near packet + file, not a multiple of them.

use std::time::{Duration, Instant};

use edxml::*;

fn packet(megabytes: usize) -> Packet {
    // Incompressible, PDF-like bytes (a real scan compresses little).
    let mut data = Vec::with_capacity(megabytes << 20);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    data.extend_from_slice(b"%PDF-1.7\n");
    while data.len() < megabytes << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.extend_from_slice(&x.to_le_bytes());
    }
    data.truncate(megabytes << 20);
    let org = |id: &str, name: &str| Organization {
        organ_id: id.into(),
        organ_name: name.into(),
        ..Organization::default()
    };
    Packet::Document(DocumentPacket {
        from: org("000.00.00.H62", "UBND tỉnh Vĩnh Long"),
        to: vec![org("000.00.00.G22", "Văn phòng Chính phủ")],
        document_id: Some("000.00.00.H62,2026/12/05,125/UBND-VX".into()),
        code: Code {
            code_number: "125".into(),
            code_notation: "UBND-VX".into(),
        },
        promulgation: PromulgationInfo {
            place: Some("Vĩnh Long".into()),
            promulgation_date: EdDate::new(2026, 12, 5).unwrap(),
        },
        document_type: DocumentType {
            doc_type: 1,
            type_detail: None,
            type_name: Some("Công văn".into()),
        },
        subject: "V/v báo cáo tình hình chuyển đổi số năm 2026".into(),
        content: None,
        signer: SignerInfo {
            competence: Some("KT. CHỦ TỊCH".into()),
            position: Some("PHÓ CHỦ TỊCH".into()),
            full_name: "Trần Văn A".into(),
        },
        due_date: None,
        to_places: vec!["Như trên;".into()],
        other: OtherInfo::default(),
        steering_type: None,
        response_for: Vec::new(),
        trace: Vec::new(),
        business: None,
        attachments: vec![Attachment {
            content_id: "1".into(),
            name: "cong-van.pdf".into(),
            content_type: "application/pdf".into(),
            description: None,
            data,
        }],
        external_attachments: Vec::new(),
    })
}

fn rate(label: &str, seconds: f64, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < Duration::from_secs_f64(seconds) || n < 3 {
        f();
        n += 1;
    }
    let per_second = f64::from(n) / start.elapsed().as_secs_f64();
    println!(
        "{label}: {per_second:.1} gói/s ({n} lần trong {:.1} s)",
        start.elapsed().as_secs_f64()
    );
    per_second
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let megabytes: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let seconds: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5.0);
    let p = packet(megabytes);
    let xml = build(&p).unwrap();
    println!(
        "gói tin: tệp đính kèm {megabytes} MiB, XML {:.2} MiB",
        xml.len() as f64 / 1048576.0
    );
    assert_eq!(parse(xml.as_bytes()).unwrap(), p);
    let built = rate("dựng (build)", seconds, || {
        std::hint::black_box(build(&p).unwrap());
    });
    let parsed = rate("đọc (parse)", seconds, || {
        std::hint::black_box(parse(xml.as_bytes()).unwrap());
    });
    println!(
        "thông lượng: dựng {:.0} MiB/s, đọc {:.0} MiB/s (theo dung lượng tệp đính kèm)",
        built * megabytes as f64,
        parsed * megabytes as f64
    );
}
