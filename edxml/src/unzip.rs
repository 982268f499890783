//! The VPCP SDK zips each file before base64 (`application/zip`, one entry). The receiver wants the file, so a
//! zip with exactly one entry is opened here: central directory first (the local header's sizes may be zero when
//! the writer streamed), stored or deflated, size and CRC-32 checked. A zip of several files is a file in its own
//! right and is left as it is.

/// The largest file a packet's zip may unpack to: a packet is at most 300 MiB (the receiving server's limit), so
/// a larger claimed size is a decompression bomb, refused before anything is inflated.
pub const MAX_UNZIPPED: u32 = 512 * 1024 * 1024;

/// The one file inside `bytes`, if `bytes` is a zip holding exactly one file.
pub fn single_entry(bytes: &[u8]) -> Result<Option<(String, Vec<u8>)>, String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(None);
    }
    let eocd = find_eocd(bytes).ok_or("zip không có thư mục trung tâm (bị cắt?)")?;
    let entries = u16_at(bytes, eocd + 10).ok_or("zip hỏng")?;
    if entries != 1 {
        return Ok(None);
    }
    let cd = u32_at(bytes, eocd + 16).ok_or("zip hỏng")? as usize;
    if u32_at(bytes, cd) != Some(0x0201_4b50) {
        return Err("zip hỏng: thư mục trung tâm sai chỗ".into());
    }
    let field = |at: usize| u16_at(bytes, cd + at).ok_or_else(|| "zip hỏng".to_string());
    let field32 = |at: usize| u32_at(bytes, cd + at).ok_or_else(|| "zip hỏng".to_string());
    let (method, crc, packed, size) = (field(10)?, field32(16)?, field32(20)?, field32(24)?);
    let (name_len, extra_len, comment_len) = (
        field(28)? as usize,
        field(30)? as usize,
        field(32)? as usize,
    );
    let local = field32(42)? as usize;
    let _ = (extra_len, comment_len);
    if packed == u32::MAX || size == u32::MAX {
        return Err("zip64 chưa được hỗ trợ".into());
    }
    if size > MAX_UNZIPPED {
        return Err(format!(
            "tệp nén giải ra {} MiB, quá giới hạn {} MiB",
            size / (1024 * 1024),
            MAX_UNZIPPED / (1024 * 1024)
        ));
    }
    let name_bytes = bytes
        .get(cd + 46..cd + 46 + name_len)
        .ok_or("zip hỏng: tên tệp")?;
    let name = String::from_utf8_lossy(name_bytes).into_owned();
    if name.ends_with('/') {
        return Ok(None);
    }
    if u32_at(bytes, local) != Some(0x0403_4b50) {
        return Err("zip hỏng: đầu mục tệp sai chỗ".into());
    }
    let start = local
        + 30
        + u16_at(bytes, local + 26).ok_or("zip hỏng")? as usize
        + u16_at(bytes, local + 28).ok_or("zip hỏng")? as usize;
    let data = bytes
        .get(start..start + packed as usize)
        .ok_or("zip bị cắt")?;
    let file = match method {
        0 => data.to_vec(),
        8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, size as usize)
            .map_err(|e| format!("không giải nén được ({:?})", e.status))?,
        m => return Err(format!("phương pháp nén {m} không được hỗ trợ")),
    };
    if file.len() != size as usize {
        return Err("zip hỏng: kích thước sai".into());
    }
    if crc32(&file) != crc {
        return Err("zip hỏng: sai CRC-32".into());
    }
    Ok(Some((name, file)))
}

fn find_eocd(bytes: &[u8]) -> Option<usize> {
    let lowest = bytes.len().saturating_sub(22 + 65_535);
    (lowest..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&i| u32_at(bytes, i) == Some(0x0605_4b50))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// CRC-32 (IEEE), as zip stores it.
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    !data.iter().fold(!0u32, |c, &b| {
        TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8)
    })
}

/// A stored one-entry zip, written the way zip tools write it.
pub fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let mut z = Vec::new();
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let cd = z.len();
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0; 12]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    let cd_len = z.len() - cd;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    z.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    z.extend_from_slice(&(cd_len as u32).to_le_bytes());
    z.extend_from_slice(&(cd as u32).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_of_known_text() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn opens_a_stored_entry_and_refuses_a_bad_crc() {
        let z = stored_zip("quyet-dinh.pdf", b"%PDF-1.7 hello");
        assert_eq!(
            single_entry(&z).unwrap(),
            Some(("quyet-dinh.pdf".into(), b"%PDF-1.7 hello".to_vec()))
        );
        let mut bad = z.clone();
        let at = bad.windows(5).position(|w| w == b"hello").unwrap();
        bad[at] = b'j';
        assert!(single_entry(&bad).unwrap_err().contains("CRC"));
        assert!(single_entry(&z[..z.len() - 30]).is_err());
        assert_eq!(single_entry(b"%PDF-1.7").unwrap(), None);
    }

    #[test]
    fn refuses_a_zip_claiming_more_than_the_limit_before_inflating() {
        let mut z = stored_zip("bom.pdf", b"%PDF-1.7 nho");
        // The central directory's uncompressed size (offset 24 of its entry) claims 600 MiB.
        let cd = z
            .windows(4)
            .rposition(|w| w == [0x50, 0x4b, 0x01, 0x02])
            .unwrap();
        z[cd + 24..cd + 28].copy_from_slice(&(600u32 * 1024 * 1024).to_le_bytes());
        let why = single_entry(&z).unwrap_err();
        assert!(why.contains("quá giới hạn 512 MiB"), "{why}");
    }
}
