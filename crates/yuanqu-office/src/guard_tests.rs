//! Each guard of IV-03 against a bad file built here.

use std::io::Write;

use rust_xlsxwriter::Workbook;
use zip::write::SimpleFileOptions;

use crate::*;

fn digits_only(v: &str) -> Result<String, (&'static str, String)> {
    if v.bytes().all(|b| b.is_ascii_digit()) { Ok(v.to_owned()) } else { Err(("digits", "只能填数字".into())) }
}

const COLS: &[Column] = &[
    Column::text("login", "登录名", 8).required().example("zhangsan"),
    Column::text("name", "姓名", 20).required().example("张三"),
    Column::text("phone", "手机号", 11).digits().parse(digits_only).example("13912345678"),
];
const SHEET: Sheet = Sheet { name: "用户", columns: COLS };

fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, o).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn code(r: Result<Parsed, SheetError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.code().into(),
    }
}

#[test]
fn every_bad_file_is_refused_with_its_own_code_before_parsing() {
    let l = Limits::default();
    let header: &[&str] = &["登录名", "姓名", "手机号"];
    let good = xlsx(&[header, &["a1", "甲", "13900000000"]]);
    let mut too_large = good.clone();
    too_large.resize(l.max_bytes + 1, 0);
    let bomb = zip_of(&[("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", &vec![b'0'; 4 << 20])]);
    let many: Vec<(String, Vec<u8>)> = (0..=l.max_entries).map(|i| (format!("x/{i}.xml"), b"<a/>".to_vec())).collect();
    let many: Vec<(&str, &[u8])> = many.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let many = zip_of(&many);
    let huge: Vec<(String, Vec<u8>)> = (0..11).map(|i| (format!("x/{i}.xml"), b"0123456789".repeat(1 << 20))).collect();
    let huge: Vec<(&str, &[u8])> = huge.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let huge = zip_of(&huge);
    let xlsm = zip_of(&[
        ("[Content_Types].xml", br#"<Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>"#),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    let vba = zip_of(&[("xl/workbook.xml", b"<workbook/>"), ("xl/vbaProject.bin", b"\x00\x01")]);
    let not_a_workbook = zip_of(&[("word/document.xml", b"<w/>")]);
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00".to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("ok.xlsx", good.clone(), "ok"),
        ("big.xlsx", too_large, "sheet.too_large"),
        ("bomb.xlsx", bomb, "sheet.zip_bomb"),
        ("entries.xlsx", many, "sheet.zip_bomb"),
        ("huge.xlsx", huge, "sheet.zip_bomb"),
        ("macro.xlsx", xlsm, "sheet.macro"),
        ("vba.xlsm", vba, "sheet.macro"),
        ("doc.xlsx", not_a_workbook, "sheet.type_not_allowed"),
        ("setup.xlsx", exe.clone(), "sheet.type_not_allowed"),
        ("setup.csv", exe, "sheet.type_not_allowed"),
        ("old.xls", xls, "sheet.type_not_allowed"),
        ("notes.txt", b"login,name\n".to_vec(), "sheet.type_not_allowed"),
    ];
    for (name, bytes, want) in cases {
        assert_eq!(code(read(&SHEET, name, &bytes, &l)), want, "{name}");
    }
}

#[test]
fn ten_thousand_rows_pass_and_one_more_is_refused() {
    let l = Limits::default();
    for (n, want) in [(10_000usize, "ok"), (10_001, "sheet.too_many_rows")] {
        let mut csv = String::from("登录名,姓名,手机号\n");
        let mut rows: Vec<Vec<String>> = vec![vec!["登录名".into(), "姓名".into(), "手机号".into()]];
        for i in 0..n {
            csv.push_str(&format!("u{i},名{i},\n"));
            rows.push(vec![format!("u{i}"), format!("名{i}")]);
        }
        assert_eq!(code(read(&SHEET, "u.csv", csv.as_bytes(), &l)), want, "csv {n}");
        let refs: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let refs: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
        assert_eq!(code(read(&SHEET, "u.xlsx", &xlsx(&refs), &l)), want, "xlsx {n}");
    }
}

#[test]
fn the_header_must_match_and_each_problem_is_named() {
    let l = Limits::default();
    let by_key = xlsx(&[&["LOGIN", "name", "phone"], &["a", "甲", ""]]);
    assert_eq!(read(&SHEET, "k.xlsx", &by_key, &l).unwrap().rows.len(), 1, "English keys are accepted");
    let bad = xlsx(&[&["登录名", "登录名", "备注"], &["a", "a", "x"]]);
    let Err(SheetError::HeaderMismatch(errs)) = read(&SHEET, "h.xlsx", &bad, &l) else { panic!("not refused") };
    let got: Vec<(String, String, String)> = errs.into_iter().map(|e| (e.code, e.column, e.header)).collect();
    assert_eq!(
        got,
        [
            ("sheet.column_duplicate".into(), "B".into(), "登录名".into()),
            ("sheet.column_unknown".into(), "C".into(), "备注".into()),
            ("sheet.column_missing".into(), "".into(), "姓名".into()),
            ("sheet.column_missing".into(), "".into(), "手机号".into()),
        ]
    );
}

#[test]
fn formula_cells_are_refused_with_row_and_column() {
    let l = Limits::default();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["登录名", "姓名", "手机号"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "a").unwrap();
    ws.write_formula(1, 1, "=HYPERLINK(\"http://x\",\"点我\")").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let Err(SheetError::Formula(errs)) = read(&SHEET, "f.xlsx", &bytes, &l) else { panic!("not refused") };
    assert_eq!((errs[0].row, errs[0].column.as_str(), errs[0].header.as_str()), (2, "B", "姓名"));
    let csv = "登录名,姓名,手机号\na,=1+1,\n";
    assert_eq!(code(read(&SHEET, "f.csv", csv.as_bytes(), &l)), "sheet.formula");
}

#[test]
fn every_cell_is_checked_blank_rows_skipped_strings_trimmed_and_the_example_ignored() {
    let l = Limits::default();
    let bytes = xlsx(&[
        &["登录名", "姓名", "手机号"],
        &["zhangsan", "张三", "13912345678"],
        &["  ok  ", " 乙 ", ""],
        &["", "", ""],
        &["", "丙", "12a"],
        &["toolong-login", "丁", ""],
    ]);
    let p = read(&SHEET, "v.xlsx", &bytes, &l).unwrap();
    assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5, 6], "example row 2 and blank row 4 skipped");
    assert_eq!(p.rows[0].values, ["ok", "乙", ""]);
    let got: Vec<(u32, &str, &str)> = p.errors.iter().map(|e| (e.row, e.column.as_str(), e.code.as_str())).collect();
    assert_eq!(got, [(5, "A", "required"), (5, "C", "digits"), (6, "A", "too_long")]);
    let report = error_report(&SHEET, &p, &p.errors).unwrap();
    assert!(report.starts_with(b"PK\x03\x04"));
}

#[test]
fn csv_in_utf8_with_or_without_bom_and_in_gb18030() {
    let l = Limits::default();
    let text = "登录名,姓名,手机号\na,张三,\n";
    let (gb, _, _) = encoding_rs::GB18030.encode(text);
    let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    for bytes in [text.as_bytes().to_vec(), bom, gb.into_owned()] {
        let p = read(&SHEET, "u.csv", &bytes, &l).unwrap();
        assert_eq!(p.rows[0].values, ["a", "张三", ""]);
    }
}

#[test]
fn the_template_reads_back_as_an_empty_import() {
    let t = template(&SHEET).unwrap();
    let p = read(&SHEET, "t.xlsx", &t, &Limits::default()).unwrap();
    assert!(p.rows.is_empty() && p.errors.is_empty(), "{:?}", p.rows);
}

#[test]
fn exports_neutralise_formula_starts_in_xlsx_and_csv() {
    for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
        assert_eq!(neutralise(s), format!("'{s}"));
    }
    assert_eq!(neutralise("张三"), "张三");
    let mut w = ExportWriter::new(ExportFormat::Csv, "用户", &["登录名", "姓名", "手机号"]).unwrap();
    w.row(&["=cmd", "张三", ""]).unwrap();
    let f = w.finish().unwrap();
    let text = std::fs::read_to_string(f.path()).unwrap();
    assert_eq!(text, "\u{feff}登录名,姓名,手机号\n'=cmd,张三,\n");
    let mut w = ExportWriter::new(ExportFormat::Xlsx, "用户", &["登录名", "姓名", "手机号"]).unwrap();
    w.row(&["=cmd", "张三", ""]).unwrap();
    let f = w.finish().unwrap();
    let bytes = std::fs::read(f.path()).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let r = wb.worksheet_range("用户").unwrap();
    assert_eq!(r.get_value((1, 0)).map(|v| v.to_string()), Some("'=cmd".into()));
}
