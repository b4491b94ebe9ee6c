//! Users by spreadsheet (IV-03, PD-04): a system administrator downloads the template, uploads
//! files good and bad, re-imports, and exports the list.

use std::io::Write;

use axum::http::{Method, StatusCode};
use calamine::Reader;
use serde_json::{Value, json};
use yuanqu_domain::identity::Role;
use yuanqu_testkit::seed::{PASSWORD, Tenant, extra_user, two_tenants, uscc};
use yuanqu_testkit::{Req, Res, Session, TestApp};

const IMPORT: &str = "/api/v1/users/import";
const HEADER: &str = "登录名,姓名,角色,部门,企业统一社会信用代码,手机号";

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, o).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn xlsx_with_formula() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (c, v) in ["lisi", "李四", "职工"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_formula(2, 1, "=CONCATENATE(\"王\",\"五\")").unwrap();
    ws.write_string(2, 0, "wangwu").unwrap();
    wb.save_to_buffer().unwrap()
}

async fn total(t: &TestApp, s: &Session) -> u64 {
    t.get("/api/v1/users?page_size=100", s).await.body["total"].as_u64().unwrap()
}

async fn audit(t: &TestApp, auditor: &Session, action: &str) -> Vec<Value> {
    let r = t.get(&format!("/api/v1/audit?action={action}&page_size=100"), auditor).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"].as_array().unwrap().clone()
}

fn cells(r: &Res) -> Vec<(u64, String, String)> {
    r.body["cells"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["row"].as_u64().unwrap(),
                        c["column"].as_str().unwrap().to_owned(),
                        c["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn setup() -> (TestApp, Tenant, Session, Session) {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    (t, z1, admin, auditor)
}

#[tokio::test]
async fn iv03_every_bad_file_is_refused_with_its_code_and_nothing_is_written() {
    let (t, _, s, auditor) = setup().await;
    let before = total(&t, &s).await;
    let ent = uscc("91350582MA2Y0A101");
    let mut big = csv(&["lisi,李四,职工,,,"]);
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let mut many = vec![];
    for i in 0..10_001 {
        many.push(format!("u{i},用户{i},职工,,,"));
    }
    let many = csv(&many.iter().map(String::as_str).collect::<Vec<_>>());
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    let xlsm = zip_of(&[
        ("[Content_Types].xml", br#"<Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>"#),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/vbaProject.bin", b"\x00\x01\x02"),
    ]);
    let bomb = zip_of(&[("xl/workbook.xml", b"<workbook/>"), ("xl/worksheets/sheet1.xml", &vec![b' '; 8 << 20])]);
    let bad_header = "登录名,名字,角色,角色\nlisi,李四,职工,职工\n".as_bytes().to_vec();
    let bad_cells = csv(&[
        "lisi,李四,职工,经济发展局1,,13912345678",
        "boss,老板,系统管理员,,,",
        "wang,王五,厨师,,,",
        "LISI,李四重复,职工,,,",
        "ent-new,新企业账号,企业账号,,,",
        &format!("ent-x,企业二,worker,,{ent},1391234"),
        "zhao,赵六,worker,不存在的部门,,",
        "qian,,职工,,,",
    ]);
    // (what, file name, bytes, status, code, located problems (row, column letter, code))
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str, Vec<(u64, &str, &str)>)> = vec![
        ("10 MB + 1 byte", "big.csv", big, StatusCode::PAYLOAD_TOO_LARGE, "sheet.too_large", vec![]),
        (
            "a program renamed .xlsx",
            "users.xlsx",
            exe,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "sheet.type_not_allowed",
            vec![],
        ),
        ("a macro workbook", "users.xlsx", xlsm, StatusCode::UNSUPPORTED_MEDIA_TYPE, "sheet.macro", vec![]),
        ("a zip bomb", "users.xlsx", bomb, StatusCode::UNPROCESSABLE_ENTITY, "sheet.zip_bomb", vec![]),
        ("10,001 rows", "users.csv", many, StatusCode::UNPROCESSABLE_ENTITY, "sheet.too_many_rows", vec![]),
        (
            "a header not the template's",
            "users.csv",
            bad_header,
            StatusCode::UNPROCESSABLE_ENTITY,
            "sheet.header_mismatch",
            vec![
                (1, "B", "sheet.column_unknown"),
                (1, "D", "sheet.column_duplicate"),
                (1, "", "sheet.column_missing"),
                (1, "", "sheet.column_missing"),
                (1, "", "sheet.column_missing"),
                (1, "", "sheet.column_missing"),
            ],
        ),
        (
            "a formula",
            "users.xlsx",
            xlsx_with_formula(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "sheet.formula",
            vec![(3, "B", "sheet.formula")],
        ),
        (
            "bad cells",
            "users.csv",
            bad_cells,
            StatusCode::UNPROCESSABLE_ENTITY,
            "sheet.invalid_cells",
            vec![
                (3, "C", "role.not_grantable"),
                (4, "C", "role.unknown"),
                (5, "A", "sheet.duplicate_key"),
                (6, "E", "enterprise.required"),
                (7, "E", "enterprise.not_allowed"),
                (7, "F", "phone.format"),
                (8, "D", "department.not_found"),
                (9, "B", "required"),
            ],
        ),
    ];
    for (what, name, bytes, status, code, located) in cases {
        let r = t.upload(IMPORT, &s, name, &bytes, None).await;
        assert_eq!((r.status, r.code()), (status, code), "{what}: {}", &r.text[..r.text.len().min(600)]);
        let located: Vec<(u64, String, String)> =
            located.into_iter().map(|(a, b, c)| (a, b.to_owned(), c.to_owned())).collect();
        assert_eq!(cells(&r), located, "{what}");
        assert_eq!(total(&t, &s).await, before, "{what}: nothing written");
    }
    assert!(audit(&t, &auditor, "user.import").await.is_empty(), "no import happened");
    // A body far over the upload limit is refused before it is read.
    let r = t.upload(IMPORT, &s, "huge.csv", &vec![b'a'; 12 * 1024 * 1024], None).await;
    assert_eq!((r.status, r.code()), (StatusCode::PAYLOAD_TOO_LARGE, "sheet.too_large"), "{}", r.text);
    // Only the holder of user.write may import.
    let r = t.upload(IMPORT, &auditor, "u.csv", &csv(&["lisi,李四,职工,,,"]), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "auth.forbidden"));
}

#[tokio::test]
async fn iv03_reimporting_the_same_file_changes_nothing_and_a_changed_row_updates_with_before_and_after() {
    let (t, _, s, auditor) = setup().await;
    let ent = uscc("91350582MA2Y0A101");
    let file = csv(&[
        "lisi,李四,职工,,,13912345678",
        "zhoujl,周经理,科室工作人员,经济发展局1,,",
        &format!("jia-fin,甲企业财务,企业账号,,{ent},"),
    ]);
    let r = t.upload(IMPORT, &s, "users.csv", &file, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.body["created"].clone(), r.body["unchanged"].clone()), (json!(3), json!(0)));
    let list = t.get("/api/v1/users?q=zhoujl", &s).await.body;
    let u = &list["items"][0];
    assert_eq!((u["role"].clone(), u["department_name"].clone()), (json!("department_staff"), json!("经济发展局1")));
    assert_eq!(u["must_change_password"], json!(true));
    let ent_user = &t.get("/api/v1/users?q=jia-fin", &s).await.body["items"][0];
    assert_eq!(ent_user["enterprise_name"], json!("甲企业1"));
    // An imported account has no usable password until the administrator issues one.
    for pw in ["", PASSWORD, "!imported:no-password"] {
        assert_eq!(t.try_login("z1", "lisi", pw).await.status, StatusCode::UNAUTHORIZED, "{pw:?}");
    }
    // The same file again, the logins in another case: nothing changes.
    let upper = String::from_utf8(file.clone()).unwrap().replace("lisi", "LISI");
    let r = t.upload(IMPORT, &s, "users.csv", upper.as_bytes(), None).await;
    assert_eq!(
        (r.body["created"].clone(), r.body["updated"].clone(), r.body["unchanged"].clone()),
        (json!(0), json!(0), json!(3)),
        "{}",
        r.text
    );
    // One changed row: one update, audited with before and after.
    let changed = String::from_utf8(file).unwrap().replace("李四,职工", "李四光,职工");
    let r = t.upload(IMPORT, &s, "users.csv", changed.as_bytes(), Some("all_or_nothing")).await;
    assert_eq!((r.body["updated"].clone(), r.body["unchanged"].clone()), (json!(1), json!(2)), "{}", r.text);
    let updates = audit(&t, &auditor, "user.update").await;
    assert_eq!(updates.len(), 1);
    assert_eq!(
        (updates[0]["before"]["display_name"].clone(), updates[0]["after"]["display_name"].clone()),
        (json!("李四"), json!("李四光"))
    );
    assert_eq!(audit(&t, &auditor, "user.create").await.iter().filter(|a| a["actor_login"] == "admin").count(), 3);
    let imports = audit(&t, &auditor, "user.import").await;
    let summaries: Vec<(Value, Value, Value)> = imports
        .iter()
        .map(|a| (a["after"]["created"].clone(), a["after"]["updated"].clone(), a["after"]["unchanged"].clone()))
        .collect();
    assert_eq!(summaries.len(), 3);
    for want in [(json!(3), json!(0), json!(0)), (json!(0), json!(0), json!(3)), (json!(0), json!(1), json!(2))] {
        assert!(summaries.contains(&want), "{summaries:?}");
    }
}

#[tokio::test]
async fn iv03_valid_rows_mode_writes_the_good_rows_and_reports_the_rest() {
    let (t, _, s, _) = setup().await;
    let before = total(&t, &s).await;
    let file = csv(&["good1,好一,职工,,,", "bad,坏,安全管理员,,,", "good2,好二,worker,,,", "admin,改管理员,职工,,,"]);
    let r = t.upload(IMPORT, &s, "users.csv", &file, Some("valid_rows")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.body["created"].clone(), r.body["rejected"].clone()), (json!(2), json!(2)));
    let located: Vec<(u64, String)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(located, [(3, "role.not_grantable".to_owned()), (5, "role.not_grantable".to_owned())]);
    assert_eq!(total(&t, &s).await, before + 2);
    // The same upload in all-or-nothing mode writes nothing; its error report marks the cells.
    let r = t.upload(IMPORT, &s, "users.csv", &file, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "sheet.invalid_cells"));
    let (body, ct) = yuanqu_testkit::multipart("users.csv", &file, None);
    let bytes = t.send_raw(Req::new(Method::POST, "/api/v1/users/import/report").as_(&s).raw(body, &ct)).await;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("用户").unwrap();
    assert_eq!(range.get_value((0, 6)).map(ToString::to_string), Some("错误说明".into()));
    assert_eq!(range.get_value((2, 0)).map(ToString::to_string), Some("bad".into()));
    assert!(range.get_value((2, 6)).map(ToString::to_string).unwrap().contains("管理员"));
    assert_eq!(range.get_value((1, 6)).map(ToString::to_string).unwrap_or_default(), "");
}

#[tokio::test]
async fn iv03_the_template_is_an_xlsx_with_the_chinese_headers_and_reads_back_empty() {
    let (t, _, s, _) = setup().await;
    let r = t.get("/api/v1/users/import/template", &s).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = t.send_raw(Req::new(Method::GET, "/api/v1/users/import/template").as_(&s)).await;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["用户", "填写说明"]);
    let range = wb.worksheet_range("用户").unwrap();
    let header: Vec<String> = (0..6).map(|c| range.get_value((0, c)).unwrap().to_string()).collect();
    assert_eq!(header.join(","), HEADER);
    // Uploaded untouched, the example row is skipped: nothing to import.
    let r = t.upload(IMPORT, &s, "template.xlsx", &bytes, None).await;
    assert_eq!((r.status, r.body["created"].clone()), (StatusCode::OK, json!(0)), "{}", r.text);
}

async fn export(t: &TestApp, s: &Session, query: &str) -> (Res, String) {
    let r = t.get(&format!("/api/v1/users/export?format=csv{query}"), s).await;
    let text = r.text.clone();
    (r, text)
}

#[tokio::test]
async fn pd04_the_export_is_scoped_masked_neutralised_filtered_and_audited_with_its_count() {
    let (t, _, s, auditor) = setup().await;
    let z2_admin = t.login("z2", "admin", PASSWORD).await;
    let r = t
        .post(
            "/api/v1/users",
            &z2_admin,
            json!({"login": "z2-only", "display_name": "二区职工", "role": "worker", "password": "green tea leaves"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let evil = "=HYPERLINK(\"http://evil.example\",\"点我\")";
    let r = t
        .post(
            "/api/v1/users",
            &s,
            json!({"login": "-cmd", "display_name": evil, "role": "worker", "password": "green tea leaves", "phone": "13912345678"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let (r, text) = export(&t, &s, "").await;
    assert_eq!(r.status, StatusCode::OK, "{text}");
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "登录名,姓名,角色,部门,企业,手机号,身份证号,状态,创建时间");
    let n = total(&t, &s).await;
    assert_eq!(lines.len() as u64 - 1, n, "every user of z1 in my scope");
    assert_eq!(r.headers["x-export-rows"].to_str().unwrap(), n.to_string());
    assert!(!text.contains("z2-only") && !text.contains("二区职工"), "never another zone's users");
    let evil_line = lines.iter().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(evil_line.starts_with("'-cmd,\"'=HYPERLINK("), "{evil_line}");
    assert!(evil_line.contains("139****5678") && !text.contains("13912345678"), "phones masked: {evil_line}");
    // The list's filters apply: only workers.
    let (r, text) = export(&t, &s, "&role=worker").await;
    let workers = t.get("/api/v1/users?role=worker", &s).await.body["total"].as_u64().unwrap();
    assert_eq!(r.headers["x-export-rows"].to_str().unwrap(), workers.to_string());
    assert_eq!(text.lines().count() as u64 - 1, workers);
    // xlsx too, Chinese headers, neutralised.
    let bytes = t.send_raw(Req::new(Method::GET, "/api/v1/users/export?q=cmd").as_(&s)).await;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("用户").unwrap();
    assert_eq!(range.get_value((0, 0)).map(ToString::to_string), Some("登录名".into()));
    assert_eq!(range.get_value((1, 1)).map(ToString::to_string), Some(format!("'{evil}")));
    // Audited with the row count and the filters.
    let audits = audit(&t, &auditor, "user.export").await;
    let got: Vec<(Value, Value)> =
        audits.iter().map(|a| (a["after"]["rows"].clone(), a["after"]["filters"]["role"].clone())).collect();
    assert_eq!(got.len(), 3);
    assert!(got.contains(&(json!(n), Value::Null)) && got.contains(&(json!(workers), json!("worker"))), "{got:?}");
    // A department clerk, without user.read, cannot export.
    let staff = t.login("z1", "staff", PASSWORD).await;
    assert_eq!(export(&t, &staff, "").await.0.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pd04_a_third_simultaneous_export_of_one_user_is_429_with_retry_after() {
    let (t, z1, s, _) = setup().await;
    let a = t.exports.try_acquire(z1.admin_id).unwrap();
    let _b = t.exports.try_acquire(z1.admin_id).unwrap();
    let (r, _) = export(&t, &s, "").await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "export.too_many"), "{}", r.text);
    assert!(r.headers.contains_key("retry-after"));
    drop(a);
    assert_eq!(export(&t, &s, "").await.0.status, StatusCode::OK);
}

/// Well-formed (GB 11643 check character) ID card number.
const ID_CARD: &str = "350582200001010015";
const REASON: &str = "年度社保核对 annual social-insurance check";

fn reason_q(reason: &str) -> String {
    let enc: String = reason.bytes().map(|b| format!("%{b:02X}")).collect();
    format!("&unmask=true&reason={enc}")
}

async fn security(t: &TestApp, z1: &Tenant, login: &str) -> Session {
    extra_user(&t.app, z1, login, Role::SecurityAdmin).await.unwrap();
    t.login("z1", login, PASSWORD).await
}

/// PD-04: an unmasked export of up to 1,000 rows needs `personal.reveal` and a reason, and then
/// comes at once with the full phone and ID card numbers, audited with the reason.
#[tokio::test]
async fn pd04_a_small_unmasked_export_needs_the_permission_and_a_reason_and_is_audited_with_it() {
    let (t, _, s, auditor) = setup().await;
    let r = t
        .post(
            "/api/v1/users",
            &s,
            json!({"login": "sfz", "display_name": "持证职工", "role": "worker", "password": "green tea leaves",
                   "phone": "13959581234", "id_card": ID_CARD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Masked by default: both numbers masked, the new column present.
    let (r, text) = export(&t, &s, "&q=sfz").await;
    assert_eq!(r.status, StatusCode::OK, "{text}");
    assert!(text.contains("139****1234") && text.contains("350582********0015"), "{text}");
    assert!(!text.contains("13959581234") && !text.contains(ID_CARD), "{text}");
    // Who may not, or without a proper reason.
    let cases: [(&Session, String, StatusCode, &str); 3] = [
        (&auditor, reason_q(REASON), StatusCode::FORBIDDEN, "auth.forbidden"),
        (&s, reason_q("看看"), StatusCode::UNPROCESSABLE_ENTITY, "validation.failed"),
        (&s, "&unmask=true".to_owned(), StatusCode::UNPROCESSABLE_ENTITY, "validation.failed"),
    ];
    for (who, q, status, code) in cases {
        let (r, text) = export(&t, who, &format!("&q=sfz{q}")).await;
        assert_eq!((r.status, r.code()), (status, code), "{q}: {text}");
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(r.fields(), vec![("reason".to_owned(), "personal.reason_length".to_owned())]);
        }
    }
    // With the permission and a reason: the full numbers, at once.
    let (r, text) = export(&t, &s, &format!("&q=sfz{}", reason_q(REASON))).await;
    assert_eq!(r.status, StatusCode::OK, "{text}");
    assert_eq!(r.headers["cache-control"], "no-store");
    let line = text.lines().find(|l| l.starts_with("sfz,")).unwrap();
    assert!(line.contains(",13959581234,") && line.contains(&format!(",{ID_CARD},")), "{line}");
    let audits = audit(&t, &auditor, "user.export").await;
    let got: Vec<(Value, Value, Value)> = audits
        .iter()
        .map(|a| (a["after"]["unmasked"].clone(), a["after"]["reason"].clone(), a["after"]["rows"].clone()))
        .collect();
    assert!(got.contains(&(json!(true), json!(REASON), json!(1))), "{got:?}");
    assert!(got.contains(&(json!(false), Value::Null, json!(1))), "{got:?}");
    assert_eq!(got.len(), 2, "refused attempts export nothing: {got:?}");
}

/// PD-04: the system administrator asks for an unmasked export of 1,001 users; it waits for a
/// security administrator other than the requester, and the requester downloads it once.
#[tokio::test]
async fn pd04_a_large_unmasked_export_waits_for_a_second_approver_and_downloads_once() {
    let (t, z1, s, _) = setup().await;
    let sec = security(&t, &z1, "security").await;
    let sec2 = security(&t, &z1, "security2").await;
    let rows: Vec<String> = (0..1001).map(|i| format!("w{i:04},职工{i},职工,,,139{i:08}")).collect();
    let r = t.upload(IMPORT, &s, "many.csv", &csv(&rows.iter().map(String::as_str).collect::<Vec<_>>()), None).await;
    assert_eq!((r.status, r.body["created"].clone()), (StatusCode::OK, json!(1001)), "{}", r.text);
    let n = total(&t, &s).await;
    assert!(n > 1000);
    // Masked, the same rows come at once.
    let (r, text) = export(&t, &s, "").await;
    assert_eq!(r.status, StatusCode::OK, "{text}");
    assert_eq!(r.headers["x-export-rows"].to_str().unwrap(), n.to_string());
    assert!(text.contains("139****0000") && !text.contains("13900000000"));
    // Unmasked: no file, a request (202).
    let (r, text) = export(&t, &s, &reason_q(REASON)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{text}");
    assert!(!text.contains("13900000000"));
    assert_eq!((r.body["status"].clone(), r.body["row_count"].clone()), (json!("pending"), json!(n)));
    let id = r.body["id"].as_str().unwrap().to_owned();
    let file = format!("/api/v1/exports/{id}/file");
    // Not before approval; not approved by the requester (no export.approve) ...
    let r = t.get(&file, &s).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "export.not_approved"), "{}", r.text);
    let r = t.post(&format!("/api/v1/exports/{id}/approve"), &s, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // ... nor by a security administrator who asked themselves.
    let (r, _) = export(&t, &sec, &reason_q(REASON)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
    let own = r.body["id"].as_str().unwrap().to_owned();
    for verb in ["approve", "refuse"] {
        let r = t.post(&format!("/api/v1/exports/{own}/{verb}"), &sec, json!({})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "export.self_approval"), "{verb}: {}", r.text);
    }
    // Lists: mine for the requester; the zone's pending ones for the approver.
    let mine: Vec<Value> =
        t.get("/api/v1/exports", &s).await.body.as_array().unwrap().iter().map(|e| e["id"].clone()).collect();
    assert_eq!(mine, vec![json!(id)]);
    let pending = t.get("/api/v1/exports", &sec).await.body;
    let ids: Vec<Value> = pending.as_array().unwrap().iter().map(|e| e["id"].clone()).collect();
    assert!(ids.contains(&json!(id)) && ids.contains(&json!(own)), "{pending}");
    // A second security administrator refuses the other; a second decision is a conflict.
    let r = t.post(&format!("/api/v1/exports/{own}/refuse"), &sec2, json!({})).await;
    assert_eq!((r.status, r.body["status"].clone()), (StatusCode::OK, json!("refused")), "{}", r.text);
    let r = t.post(&format!("/api/v1/exports/{own}/approve"), &sec2, json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "export.not_pending"), "{}", r.text);
    // Two security administrators approve the system administrator's at once: one decision.
    let (approve, again) = (format!("/api/v1/exports/{id}/approve"), format!("/api/v1/exports/{id}/approve"));
    let (a, b) = tokio::join!(t.post(&approve, &sec, json!({})), t.post(&again, &sec2, json!({})));
    let mut got = [(a.status, a.code().to_owned()), (b.status, b.code().to_owned())];
    got.sort();
    assert_eq!(got[1], (StatusCode::CONFLICT, "export.not_pending".to_owned()), "{} / {}", a.text, b.text);
    assert_eq!(got[0].0, StatusCode::OK, "{} / {}", a.text, b.text);
    // Only the requester downloads.
    let r = t.get(&file, &sec).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "export.not_requester"), "{}", r.text);
    // Two downloads at once: one file, once.
    let (a, b) = tokio::join!(t.get(&file, &s), t.get(&file, &s));
    let (ok, gone) = if a.status == StatusCode::OK { (a, b) } else { (b, a) };
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!((gone.status, gone.code()), (StatusCode::GONE, "export.downloaded"), "{}", gone.text);
    assert_eq!(ok.headers["x-export-rows"].to_str().unwrap(), n.to_string());
    assert!(ok.text.contains(",13900000000,") && ok.text.contains(",13900001000,"), "full phones");
    let r = t.get(&file, &s).await;
    assert_eq!((r.status, r.code()), (StatusCode::GONE, "export.downloaded"), "{}", r.text);
    // An approved request not fetched within 24 hours is gone.
    let (r, _) = export(&t, &s, &reason_q(REASON)).await;
    let late = r.body["id"].as_str().unwrap().to_owned();
    let r = t.post(&format!("/api/v1/exports/{late}/approve"), &sec, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.clock.advance(chrono::Duration::hours(24) + chrono::Duration::seconds(1));
    let s = t.login("z1", "admin", PASSWORD).await;
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let r = t.get(&format!("/api/v1/exports/{late}/file"), &s).await;
    assert_eq!((r.status, r.code()), (StatusCode::GONE, "export.expired"), "{}", r.text);
    // Every step is in the audit log.
    let count = |v: Vec<Value>| v.len();
    assert_eq!(count(audit(&t, &auditor, "export.request").await), 3);
    assert_eq!(count(audit(&t, &auditor, "export.approve").await), 2, "one of the racing approvals");
    assert_eq!(count(audit(&t, &auditor, "export.refuse").await), 1);
    let downloads = audit(&t, &auditor, "export.download").await;
    assert_eq!(downloads.len(), 1);
    assert_eq!(
        (downloads[0]["entity_id"].clone(), downloads[0]["after"]["reason"].clone()),
        (json!(id), json!(REASON))
    );
    let exports = audit(&t, &auditor, "user.export").await;
    let unmasked: Vec<&Value> = exports.iter().filter(|a| a["after"]["unmasked"] == json!(true)).collect();
    assert_eq!(unmasked.len(), 1, "only the approved download is an unmasked export");
    assert_eq!(unmasked[0]["after"]["rows"], json!(n));
}
