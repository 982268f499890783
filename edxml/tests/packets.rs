//! Packets as real systems write them (tests/packets/: the VPCP SDK flavour with an undeclared prefix, Bkav's
//! spelling and date order, the SOAP flavours, zipped and wrapped attachments), invalid ones, and the property
//! that what `build` writes `parse` reads back unchanged.

use std::path::PathBuf;

use edxml::*;
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/packets")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn document(name: &str) -> DocumentPacket {
    match parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}")) {
        Packet::Document(d) => d,
        other => panic!("{name}: not a document: {other:?}"),
    }
}

fn status(name: &str) -> StatusPacket {
    match parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}")) {
        Packet::Status(s) => s,
        other => panic!("{name}: not a status: {other:?}"),
    }
}

#[test]
fn the_sdk_flavour_with_an_undeclared_prefix_and_a_zipped_file() {
    let d = document("vpcp-sdk-document.edxml");
    assert_eq!(d.from.organ_id, "000.00.00.G22");
    assert_eq!(d.from.organ_name, "Văn phòng Chính phủ");
    assert_eq!(d.from.fax, None, "an empty optional element is absent");
    assert_eq!(
        d.to.iter().map(|t| t.organ_id.as_str()).collect::<Vec<_>>(),
        ["000.00.00.H62", "000.00.00.H41"]
    );
    assert_eq!(
        d.document_id.as_deref(),
        Some("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")
    );
    assert_eq!(
        d.code,
        Code {
            code_number: "7816".into(),
            code_notation: "VPCP-TTĐT".into()
        }
    );
    assert_eq!(
        d.promulgation.promulgation_date,
        EdDate::new(2015, 9, 30).unwrap()
    );
    assert_eq!(
        d.subject,
        "V/v triển khai liên thông văn bản điện tử & gửi nhận qua Trục"
    );
    assert_eq!(
        d.signer.competence.as_deref(),
        Some("KT. BỘ TRƯỞNG, CHỦ NHIỆM")
    );
    assert_eq!(d.due_date, EdDate::new(2015, 10, 15));
    assert_eq!(d.to_places, ["Như trên;", "Lưu: VT, TTĐT."]);
    assert_eq!(d.other.priority, 1);
    assert_eq!(d.other.promulgation_amount, Some(20));
    assert_eq!(d.other.direction, Some(false));
    assert_eq!(d.other.appendixes, ["Danh sách đơn vị"]);
    assert_eq!(d.steering_type, Some(1));
    assert_eq!(d.response_for.len(), 1);
    assert_eq!(
        d.response_for[0].document_id,
        "000.00.00.H62,2015/09/01,267/UBND-VX"
    );
    assert_eq!(d.trace[0].timestamp.to_string(), "2015/09/30 08:15:00");
    let b = d.business.as_ref().unwrap();
    assert_eq!(b.action, BusinessAction::New);
    assert_eq!(b.paper, Some(false));
    assert_eq!(
        b.staff.as_ref().unwrap().mobile.as_deref(),
        Some("0912345678")
    );
    // The zip the SDK wraps each file in is opened: the receiver gets the .doc itself.
    assert_eq!(d.attachments.len(), 1);
    let a = &d.attachments[0];
    assert_eq!(
        (a.content_id.as_str(), a.name.as_str()),
        ("209", "1896_QD-TTg.doc")
    );
    assert_eq!(a.content_type, "application/msword");
    assert_eq!(a.data, fixture("expected-1896_QD-TTg.doc"));
    assert_eq!(a.description.as_deref(), Some("Văn bản chính"));
}

#[test]
fn bkav_spelling_day_first_dates_a_lettered_number_and_an_impossible_date_in_the_id() {
    let d = document("bkav-recall-ddmmyyyy.edxml");
    assert_eq!(
        d.code.code_number, "07a",
        "a CodeNumber that is not purely numeric is kept"
    );
    assert_eq!(
        d.document_id.as_deref(),
        Some("000.00.05.H62,2019/02/30,07a/SKHĐT-TH"),
        "kept as it is"
    );
    assert_eq!(
        d.promulgation.promulgation_date.to_string(),
        "2019/02/28",
        "dd/MM/yyyy read"
    );
    assert_eq!(d.trace[0].timestamp.to_string(), "2019/03/01 14:05:09");
    assert_eq!(d.action(), BusinessAction::Recall, "Business (one s) read");
    assert_eq!(
        d.business.as_ref().unwrap().reason.as_deref(),
        Some("Thu hồi do sai số liệu")
    );
    // Empty optional elements: absent, not errors.
    assert_eq!(
        (d.content.clone(), d.due_date, d.steering_type),
        (None, None, None)
    );
    assert_eq!(d.document_type.type_detail, None);
    assert_eq!(d.signer.competence, None);
    assert!(d.response_for.is_empty() && d.to_places.is_empty());
    assert_eq!(d.other.priority, 0);
    // Base64 wrapped at 76 characters, a plain PDF.
    assert_eq!(d.attachments[0].data, fixture("expected-cong-van.pdf"));
    assert_eq!(d.attachments[0].content_type, "application/pdf");
}

#[test]
fn statuses_in_both_flavours() {
    let s = status("status-processing-05.edxml");
    assert_eq!(s.status, StatusCode::Processing);
    assert_eq!(s.status.label(), "Đang xử lý");
    assert_eq!(
        s.response_for.document_id,
        "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    );
    assert_eq!(s.response_for.promulgation_date, EdDate::new(2015, 9, 30));
    assert_eq!(
        s.staff.as_ref().unwrap().staff.as_deref(),
        Some("Nguyễn Văn Thư")
    );
    assert_eq!(s.timestamp.to_string(), "2015/09/20 11:08:36");

    let soap = status("status-soap-rejected-02.xml");
    assert_eq!(
        soap.status,
        StatusCode::Rejected,
        "\"2\" without its leading zero"
    );
    assert_eq!(
        soap.description.as_deref(),
        Some("Không thuộc thẩm quyền giải quyết")
    );
    assert_eq!(soap.timestamp.to_string(), "2026/11/03 09:30:00");
    assert_eq!(soap.from.organ_id, "000.00.00.H41");
}

#[test]
fn the_soap_mime_flavour_lists_files_it_does_not_carry() {
    let d = document("soap-mime-document.xml");
    assert_eq!(d.code.code_number, "115");
    assert!(d.attachments.is_empty());
    assert_eq!(d.external_attachments.len(), 1);
    assert_eq!(d.external_attachments[0].content_id, "part1@tanchau");
    assert_eq!(
        d.external_attachments[0].content_type.as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        d.effective_document_id(),
        "000.00.37.H53,2026/10/01,115/UBND-NC"
    );
}

#[test]
fn invalid_packets_say_what_is_wrong() {
    let err = |name: &str| parse(&fixture(name)).unwrap_err().to_string();
    assert!(
        err("invalid-not-xml.edxml").starts_with("gói tin không phải XML hợp lệ"),
        "{}",
        err("invalid-not-xml.edxml")
    );
    assert!(
        err("invalid-truncated.edxml").starts_with("gói tin không phải XML hợp lệ"),
        "{}",
        err("invalid-truncated.edxml")
    );
    assert_eq!(
        err("invalid-missing-subject.edxml"),
        "thiếu phần tử bắt buộc MessageHeader/Subject"
    );
    assert_eq!(parse(b"<a><b/></a>").unwrap_err(), EdxmlError::NotEdxml);
    assert_eq!(
        parse(b"").unwrap_err().to_string().split(':').next(),
        Some("gói tin không phải XML hợp lệ")
    );
    let bad_date = String::from_utf8(fixture("status-processing-05.edxml"))
        .unwrap()
        .replace("2015/09/20 11:08:36", "hôm qua");
    assert_eq!(
        parse(bad_date.as_bytes()).unwrap_err().to_string(),
        "giá trị không hợp lệ ở MessageHeader/Timestamp: \"hôm qua\" (thời điểm yyyy/MM/dd HH:mm:ss)"
    );
    let bad_code = String::from_utf8(fixture("status-processing-05.edxml"))
        .unwrap()
        .replace(">05<", ">07<");
    assert!(
        parse(bad_code.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("MessageHeader/StatusCode")
    );
    let twice = String::from_utf8(fixture("vpcp-sdk-document.edxml"))
        .unwrap()
        .replace("000.00.00.H41", "000.00.00.H62");
    assert!(
        parse(twice.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("mỗi cơ quan nhận chỉ một lần")
    );
    let dtd = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>";
    assert!(
        matches!(parse(dtd.as_bytes()), Err(EdxmlError::NotXml(_))),
        "no DTD, no entity tricks"
    );
}

#[test]
fn every_fixture_reads_back_the_same_after_building_it() {
    for name in [
        "vpcp-sdk-document.edxml",
        "bkav-recall-ddmmyyyy.edxml",
        "status-processing-05.edxml",
        "status-soap-rejected-02.xml",
        "soap-mime-document.xml",
    ] {
        let first = parse(&fixture(name)).unwrap();
        let built = build(&first).unwrap();
        assert!(built.contains("xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\""));
        assert_eq!(parse(built.as_bytes()).unwrap(), first, "{name}");
        // Canonical: building again gives the same bytes.
        assert_eq!(
            build(&parse(built.as_bytes()).unwrap()).unwrap(),
            built,
            "{name}"
        );
    }
}

#[test]
fn building_refuses_what_qcvn_102_requires() {
    let Packet::Document(mut d) = parse(&fixture("vpcp-sdk-document.edxml")).unwrap() else {
        unreachable!()
    };
    d.to.clear();
    assert_eq!(
        build_document(&d).unwrap_err(),
        EdxmlError::Missing("MessageHeader/To".into())
    );
    let Packet::Status(mut s) = parse(&fixture("status-soap-rejected-02.xml")).unwrap() else {
        unreachable!()
    };
    s.description = None;
    assert!(
        build_status(&s)
            .unwrap_err()
            .to_string()
            .contains("lý do từ chối")
    );
}

// ---- properties ----

fn text() -> impl Strategy<Value = String> {
    // Vietnamese letters, markup characters, a carriage return inside; never blank at either end (parsing trims).
    "[A-Za-zĐđƯưẾếỗ0-9<>&\"'/][A-Za-zĐđƯưẾếỗ0-9 <>&\"'/.,\r\n-]{0,30}[A-Za-z0-9Đđ.;]"
        .prop_map(|s| s)
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn date() -> impl Strategy<Value = EdDate> {
    (1900u16..2100, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| EdDate::new(y, m, d).unwrap())
}

fn timestamp() -> impl Strategy<Value = EdDateTime> {
    (date(), 0u8..24, 0u8..60, 0u8..60).prop_map(|(date, hour, minute, second)| EdDateTime {
        date,
        hour,
        minute,
        second,
    })
}

fn organ_id() -> impl Strategy<Value = String> {
    "[0-9]{3}\\.[0-9]{2}\\.[0-9]{2}\\.[A-Z][0-9]{2}"
}

fn organization() -> impl Strategy<Value = Organization> {
    (
        organ_id(),
        text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
    )
        .prop_map(
            |(organ_id, organ_name, charge, add, email, web)| Organization {
                organ_id,
                organ_name,
                organization_in_charge: charge,
                organ_add: add,
                email,
                telephone: None,
                fax: None,
                website: web,
            },
        )
}

fn staff() -> impl Strategy<Value = Option<StaffInfo>> {
    proptest::option::of((text(), opt_text(), opt_text()).prop_map(
        |(staff, department, mobile)| StaffInfo {
            department,
            staff: Some(staff),
            mobile,
            email: None,
        },
    ))
}

fn response_for() -> impl Strategy<Value = ResponseFor> {
    (organ_id(), text(), proptest::option::of(date()), text()).prop_map(
        |(organ_id, code, promulgation_date, document_id)| ResponseFor {
            organ_id,
            code,
            promulgation_date,
            document_id,
        },
    )
}

fn business() -> impl Strategy<Value = Option<Business>> {
    proptest::option::of(
        (
            opt_text(),
            0u8..4,
            opt_text(),
            proptest::option::of(any::<bool>()),
            staff(),
            proptest::collection::vec((text(), proptest::collection::vec(organ_id(), 0..3)), 0..3),
            proptest::option::of((
                any::<bool>(),
                any::<bool>(),
                proptest::collection::vec((organ_id(), 0u8..2), 0..3),
            )),
        )
            .prop_map(
                |(document_id, action, reason, paper, staff, replacements, update)| Business {
                    document_id,
                    action: BusinessAction::from_code(action).unwrap(),
                    reason,
                    paper,
                    staff,
                    update: update.map(|(document_info, document_receiver, r)| UpdateInfo {
                        document_info,
                        document_receiver,
                        receivers: r
                            .into_iter()
                            .map(|(organ_id, receiver_type)| Receiver {
                                organ_id,
                                receiver_type,
                            })
                            .collect(),
                    }),
                    replacements: replacements
                        .into_iter()
                        .map(|(document_id, organ_ids)| Replacement {
                            document_id,
                            organ_ids,
                        })
                        .collect(),
                },
            ),
    )
}

fn attachment() -> impl Strategy<Value = Attachment> {
    (
        "[a-z0-9]{1,8}",
        text(),
        proptest::collection::vec(any::<u8>(), 0..300),
        opt_text(),
    )
        .prop_map(|(cid, name, data, description)| Attachment {
            content_id: cid,
            name,
            content_type: "application/pdf".into(),
            description,
            data,
        })
}

fn document_packet() -> impl Strategy<Value = DocumentPacket> {
    let head = (
        organization(),
        proptest::collection::vec(organization(), 1..4),
        opt_text(),
        ("[0-9]{1,4}[a-z]?", text()),
        (opt_text(), date()),
        (1u8..3, proptest::option::of(-5i64..50), opt_text()),
        text(),
        opt_text(),
    );
    let rest = (
        (opt_text(), opt_text(), text()),
        proptest::option::of(date()),
        proptest::collection::vec(text(), 0..3),
        (
            0u8..5,
            opt_text(),
            proptest::option::of(0u32..500),
            proptest::option::of(any::<bool>()),
            proptest::collection::vec(text(), 0..2),
        ),
        proptest::option::of(0u8..3),
        proptest::collection::vec(response_for(), 0..2),
        proptest::collection::vec((organ_id(), timestamp()), 0..3),
        business(),
    );
    (head, rest, proptest::collection::vec(attachment(), 0..3)).prop_map(|(h, r, attachments)| {
        let (
            from,
            mut to,
            document_id,
            (number, notation),
            (place, promulgation_date),
            (doc_type, type_detail, type_name),
            subject,
            content,
        ) = h;
        let (
            (competence, position, full_name),
            due_date,
            to_places,
            (priority, typer, amount, direction, appendixes),
            steering_type,
            response_for,
            trace,
            business,
        ) = r;
        let mut seen = std::collections::HashSet::new();
        to.retain(|o| seen.insert(o.organ_id.clone()));
        let mut cids = std::collections::HashSet::new();
        let attachments = attachments
            .into_iter()
            .filter(|a| cids.insert(a.content_id.clone()))
            .collect();
        DocumentPacket {
            from,
            to,
            document_id,
            code: Code {
                code_number: number,
                code_notation: notation,
            },
            promulgation: PromulgationInfo {
                place,
                promulgation_date,
            },
            document_type: DocumentType {
                doc_type,
                type_detail,
                type_name,
            },
            subject,
            content,
            signer: SignerInfo {
                competence,
                position,
                full_name,
            },
            due_date,
            to_places,
            other: OtherInfo {
                priority,
                sphere_of_promulgation: None,
                typer_notation: typer,
                promulgation_amount: amount,
                page_amount: amount.map(|a| a % 40),
                direction,
                appendixes,
            },
            steering_type,
            response_for,
            trace: trace
                .into_iter()
                .map(|(organ_id, timestamp)| TraceHeader {
                    organ_id,
                    timestamp,
                })
                .collect(),
            business,
            attachments,
            external_attachments: Vec::new(),
        }
    })
}

fn status_packet() -> impl Strategy<Value = StatusPacket> {
    (
        organization(),
        response_for(),
        staff(),
        0usize..9,
        text(),
        timestamp(),
    )
        .prop_map(
            |(from, response_for, staff, code, description, timestamp)| StatusPacket {
                from,
                response_for,
                staff,
                status: StatusCode::ALL[code],
                description: Some(description),
                timestamp,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn documents_read_back_as_built(d in document_packet()) {
        let packet = Packet::Document(d);
        let xml = build(&packet).unwrap();
        prop_assert_eq!(parse(xml.as_bytes()).unwrap(), packet.clone());
        // And through the CLI's JSON.
        let json = serde_json::to_string(&packet).unwrap();
        prop_assert_eq!(serde_json::from_str::<Packet>(&json).unwrap(), packet);
    }

    #[test]
    fn statuses_read_back_as_built(s in status_packet()) {
        let packet = Packet::Status(s);
        let xml = build(&packet).unwrap();
        prop_assert_eq!(parse(xml.as_bytes()).unwrap(), packet);
    }

    #[test]
    fn parsing_never_panics_on_mangled_packets(cut in 0usize..5200, flip in 0usize..5200, byte in any::<u8>()) {
        let mut bytes = fixture("vpcp-sdk-document.edxml");
        let at = flip % bytes.len();
        bytes[at] = byte;
        bytes.truncate(cut.max(1));
        let _ = parse(&bytes);
    }
}
