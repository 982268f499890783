//! `vanban edxml`: read and write the QCVN 102 packets of the document axis (no database). The JSON printed by
//! `parse --json` is the one `build` reads, so a packet can be inspected, edited and rebuilt by hand or by
//! another tool; `parse(build(parse(f)))` prints what `parse(f)` printed.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use edxml::Packet;

#[derive(Debug, Subcommand)]
pub enum EdxmlCommand {
    /// Reads a packet (document or status) and prints what it says; exits non-zero with the reason when the
    /// packet cannot be read.
    Parse {
        /// The packet (`.edxml` / `.xml`); `-` reads standard input.
        file: PathBuf,
        /// Prints the whole packet as JSON (attachments in base64), the form `vanban edxml build` reads.
        #[arg(long)]
        json: bool,
    },
    /// Builds the canonical packet from the JSON `parse --json` prints, and prints it.
    Build {
        /// The JSON; `-` reads standard input.
        json: PathBuf,
    },
}

fn read_input(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("không đọc được đầu vào chuẩn")?;
        Ok(bytes)
    } else {
        std::fs::read(path).with_context(|| format!("không đọc được tệp {}", path.display()))
    }
}

pub fn run(command: EdxmlCommand) -> anyhow::Result<()> {
    match command {
        EdxmlCommand::Parse { file, json } => {
            let bytes = read_input(&file)?;
            let packet = edxml::parse(&bytes)
                .with_context(|| format!("gói tin {} không hợp lệ", file.display()))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&packet)?);
            } else {
                print!("{}", summary(&packet));
            }
        }
        EdxmlCommand::Build { json } => {
            let bytes = read_input(&json)?;
            let packet: Packet = serde_json::from_slice(&bytes)
                .with_context(|| format!("JSON {} không đúng dạng gói tin", json.display()))?;
            print!(
                "{}",
                edxml::build(&packet).context("không dựng được gói tin")?
            );
        }
    }
    Ok(())
}

/// A few lines a person reads.
fn summary(packet: &Packet) -> String {
    match packet {
        Packet::Document(d) => {
            let mut s = format!(
                "Gói tin văn bản ({})\nMã văn bản: {}\nSố, ký hiệu: {}/{}\nNgày ban hành: {}\nTừ: {} ({})\n",
                d.action().label(),
                d.effective_document_id(),
                d.code.code_number,
                d.code.code_notation,
                d.promulgation.promulgation_date,
                d.from.organ_name,
                d.from.organ_id,
            );
            for t in &d.to {
                s.push_str(&format!("Đến: {} ({})\n", t.organ_name, t.organ_id));
            }
            s.push_str(&format!(
                "Trích yếu: {}\nNgười ký: {}\n",
                d.subject, d.signer.full_name
            ));
            for a in &d.attachments {
                s.push_str(&format!(
                    "Tệp: {} ({}, {} byte)\n",
                    a.name,
                    a.content_type,
                    a.data.len()
                ));
            }
            s
        }
        Packet::Status(st) => format!(
            "Gói tin trạng thái {} — {}\nVăn bản: {}\nTừ: {} ({})\nThời điểm: {}\n{}",
            st.status.code(),
            st.status.label(),
            st.response_for.document_id,
            st.from.organ_name,
            st.from.organ_id,
            st.timestamp,
            st.description
                .as_deref()
                .map(|d| format!("Ghi chú: {d}\n"))
                .unwrap_or_default(),
        ),
    }
}
