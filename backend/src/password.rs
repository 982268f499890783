//! What makes a new password acceptable beyond its shape (`shared::user::NewPassword`: length, letters and
//! digits): it is not guessable. A password that contains the person's username or name, or that a strength
//! estimator (zxcvbn: common passwords, dictionary words, keyboard walks, dates, repeats) rates below 3 of 4,
//! is refused with the reason in Vietnamese. Only the server decides: the estimator's dictionaries are too large
//! for the sign-in page's download budget.

use shared::text::fold_for_search;

/// The lowest zxcvbn score accepted (0–4; 3 = "safely unguessable": about 10^8 guesses or more).
const MIN_SCORE: u8 = 3;

/// Checks a new password for the account `username` of the person `full_name`; the reason on refusal.
pub fn check_new_password(password: &str, username: &str, full_name: &str) -> Result<(), String> {
    let letters = |s: &str| -> String {
        fold_for_search(s)
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let folded = letters(password);
    let name_words: Vec<String> = full_name.split_whitespace().map(letters).collect();
    let mut personal: Vec<String> = username
        .split(|c: char| !c.is_alphanumeric())
        .map(letters)
        .filter(|p| p.chars().count() >= 3)
        .collect();
    personal.push(letters(username));
    personal.push(name_words.concat());
    // The given name (last word) from three letters; the other words (family and middle names, often short and
    // common: "Văn", "Thị") from four.
    for (i, w) in name_words.iter().enumerate() {
        let min = if i + 1 == name_words.len() { 3 } else { 4 };
        if w.chars().count() >= min {
            personal.push(w.clone());
        }
    }
    if personal
        .iter()
        .any(|p| p.chars().count() >= 3 && folded.contains(p.as_str()))
    {
        return Err(
            "Mật khẩu không được chứa tên đăng nhập hoặc họ tên của bạn (kể cả viết không dấu)."
                .into(),
        );
    }
    let inputs: Vec<&str> = personal.iter().map(String::as_str).collect();
    let score = u8::from(zxcvbn::zxcvbn(password, &inputs).score());
    if score < MIN_SCORE {
        return Err(
            "Mật khẩu quá dễ đoán: giống mật khẩu phổ biến, từ trong từ điển, ngày tháng, dãy phím liền nhau \
             hoặc ký tự lặp lại. Hãy dùng một câu dài ghép vài từ không liên quan, có chữ số, ví dụ \
             \"Cay bang 7 la do tren doi\"."
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_personal_passwords_are_refused_and_a_long_phrase_passes() {
        let name = "Nguyễn Thị Hồng Nhung";
        for weak in [
            "Password123",
            "qwerty123456",
            "1234567890a",
            "abc12345678",
            "Vietnam2026",
        ] {
            assert!(
                check_new_password(weak, "nhung.snv", name).is_err(),
                "{weak}"
            );
        }
        for personal in [
            "nhungsnv2026!",
            "NguyenNhung#77",
            "Nhung.Snv.9x",
            "hongnhung1990xyz",
        ] {
            let e = check_new_password(personal, "nhung.snv", name).unwrap_err();
            assert!(e.contains("họ tên"), "{personal}: {e}");
        }
        assert!(check_new_password("Cay bang 7 la do tren doi", "nhung.snv", name).is_ok());
        assert!(check_new_password("mưa-phùn 43 chiếc ô xanh", "nhung.snv", name).is_ok());
        // What the e2e journeys and the API tests choose.
        for good in [
            "Mật khẩu mới 2026",
            "Mới tinh 2027",
            "Đổi rồi nhé 99",
            "Cây bàng 7 lá đỏ trên đồi",
        ] {
            assert!(
                check_new_password(good, "e2e.desktop", "Nguyễn Thị Kiểm Thử").is_ok(),
                "{good}"
            );
        }
    }
}
