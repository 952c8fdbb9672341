//! The model-server clients against a tiny server of the test's own on
//! 127.0.0.1: the X-AnyLabeling server and the Label Studio ML backend
//! contracts, and a server that is slow, talks garbage, fails or is down.

use image::RgbImage;
use serde_json::{Value, json};
use shugu::infer::catalog::{ModelEntry, ModelKind, ServerConfig, Thresholds};
use shugu::infer::runtime::RuntimeOptions;
use shugu::infer::server::XAnyLabelingClient;
use shugu::infer::{Predictions, TEXT_ATTRIBUTE, open_predictor, predict_file};
use shugu::model::shape::{Point, Polygon, Shape};
use shugu::model::{AttrValue, BBox};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::Duration;

/// What the test server does with one connection.
enum Reply {
    Json(u16, Value),
    Raw(u16, &'static str),
    /// Reads the request, then says nothing for this long and hangs up.
    Silent(Duration),
}

/// A request the server received.
#[derive(Debug)]
struct Request {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct TestServer {
    url: String,
    handle: JoinHandle<Vec<Request>>,
}

/// Serves `replies`, one connection each, in order, then stops.
fn serve(replies: Vec<Reply>) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for reply in replies {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap();
                headers.push((k.trim().to_owned(), v.trim().to_owned()));
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            requests.push(Request {
                line: line.trim_end().to_owned(),
                headers,
                body,
            });
            let mut stream = reader.into_inner();
            let (status, text) = match reply {
                Reply::Json(status, v) => (status, v.to_string()),
                Reply::Raw(status, t) => (status, t.to_owned()),
                Reply::Silent(d) => {
                    std::thread::sleep(d);
                    continue;
                }
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                text.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(text.as_bytes()).unwrap();
        }
        requests
    });
    TestServer { url, handle }
}

fn server_entry(kind: ModelKind, url: &str) -> ModelEntry {
    ModelEntry {
        name: "remote".into(),
        kind,
        classes: vec!["cat".into(), "text".into()],
        server: Some(ServerConfig {
            url: url.to_owned(),
            model: Some("yolo11n".into()),
            api_key: Some("secret".into()),
            timeout_secs: Some(1),
            ..ServerConfig::default()
        }),
        thresholds: Thresholds {
            confidence: Some(0.3),
            ..Thresholds::default()
        },
        ..ModelEntry::default()
    }
}

/// A 200×100 PNG at `sub dir/a.png` under a temporary root.
fn image_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub dir")).unwrap();
    let path = dir.path().join("sub dir/a.png");
    RgbImage::from_pixel(200, 100, image::Rgb([9, 9, 9]))
        .save(&path)
        .unwrap();
    (dir, path)
}

fn run(entry: &ModelEntry, path: &std::path::Path) -> Result<Predictions, String> {
    let mut predictor =
        open_predictor(entry, &RuntimeOptions::default()).map_err(|e| e.to_string())?;
    predict_file(predictor.as_mut(), path, "sub dir/a.png").map_err(|e| e.to_string())
}

#[test]
fn xanylabeling_server_lists_models_and_predicts_shapes() {
    let shapes = json!({"success": true, "data": {"description": "", "shapes": [
        {"label": "cat", "shape_type": "rectangle", "points": [[10, 20], [50, 20], [50, 60], [10, 60]], "score": 0.9,
         "attributes": {"occluded": true, "colour": "grey"}},
        {"label": "text", "shape_type": "polygon", "points": [[1, 1], [30, 1], [30, 9], [1, 9]], "score": 0.8,
         "description": "数谷 Shugu"},
        {"label": "cat", "shape_type": "circle", "points": [[5, 5], [9, 9]]},
        {"label": "cat", "shape_type": "point", "points": [[7, 8]]},
        {"label": "cat", "shape_type": "polygon", "points": [[1, 1]]},
    ]}});
    let server = serve(vec![
        Reply::Json(
            200,
            json!({"success": true, "data": {"yolo11n": {"display_name": "YOLO11n"}, "sam": {}}}),
        ),
        Reply::Json(200, shapes),
    ]);
    let client = XAnyLabelingClient::new(
        &server.url,
        "yolo11n",
        None,
        Duration::from_secs(5),
        "x".into(),
    )
    .unwrap();
    let mut models = client.models().unwrap();
    models.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        (models[0].id.as_str(), models[0].display_name.as_str()),
        ("sam", "sam")
    );
    assert_eq!(
        (models[1].id.as_str(), models[1].display_name.as_str()),
        ("yolo11n", "YOLO11n")
    );

    let (_dir, path) = image_file();
    let p = run(
        &server_entry(ModelKind::XAnyLabelingServer, &server.url),
        &path,
    )
    .unwrap();
    let requests = server.handle.join().unwrap();
    assert_eq!(requests[0].line, "GET /v1/models HTTP/1.1");
    let predict = &requests[1];
    assert_eq!(predict.line, "POST /v1/predict HTTP/1.1");
    assert_eq!(predict.header("Token"), Some("secret"));
    let body = predict.json();
    assert_eq!(body["model"], "yolo11n");
    assert_eq!(
        body["params"]["conf_threshold"].as_f64().map(|v| v as f32),
        Some(0.3)
    );
    use base64::Engine;
    let sent = body["image"]
        .as_str()
        .unwrap()
        .strip_prefix("data:image/png;base64,")
        .unwrap();
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(sent)
            .unwrap(),
        std::fs::read(&path).unwrap()
    );

    assert_eq!(p.objects.len(), 3, "{:?}", p.objects);
    let cat = &p.objects[0];
    assert_eq!((cat.class.as_str(), cat.score), ("cat", 0.9));
    assert_eq!(
        cat.shape,
        Shape::Rect(BBox::from_corners([10.0, 20.0], [50.0, 60.0]))
    );
    assert_eq!(cat.attributes.get("occluded"), Some(&AttrValue::Bool(true)));
    assert_eq!(
        cat.attributes.get("colour"),
        Some(&AttrValue::Text("grey".into()))
    );
    let text = &p.objects[1];
    assert_eq!(text.text(), Some("数谷 Shugu"));
    let square = [(1.0, 1.0), (30.0, 1.0), (30.0, 9.0), (1.0, 9.0)].map(|(x, y)| Point::new(x, y));
    assert_eq!(text.shape, Shape::Polygon(Polygon::new(square.to_vec())));
    assert!(matches!(&p.objects[2].shape, Shape::Keypoints(k) if k.len() == 1 && k[0].x == 7.0));
    assert_eq!(p.left_out.len(), 2, "{:?}", p.left_out);
    assert!(p.left_out[0].contains("circle"), "{:?}", p.left_out);
    assert!(p.left_out[1].contains("1 points"), "{:?}", p.left_out);
}

#[test]
fn label_studio_backend_gets_tasks_and_its_results_become_shapes() {
    let results = json!({"results": [{"score": 0.7, "model_version": "v1", "result": [
        {"id": "r1", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
         "original_width": 400, "original_height": 200,
         "value": {"x": 10, "y": 20, "width": 25, "height": 30, "rotation": 0, "rectanglelabels": ["text"]}, "score": 0.95},
        {"id": "r1", "type": "textarea", "from_name": "transcription", "to_name": "image",
         "original_width": 400, "original_height": 200, "value": {"text": ["第一行"]}},
        {"id": "p1", "type": "polygonlabels", "original_width": 200, "original_height": 100,
         "value": {"points": [[0, 0], [50, 0], [50, 50]], "polygonlabels": ["cat"]}},
        {"id": "c1", "type": "choices", "value": {"choices": ["indoor"]}},
        {"id": "b1", "type": "brushlabels", "value": {"format": "rle", "rle": [1, 2], "brushlabels": ["cat"]}},
    ]}]});
    let server = serve(vec![Reply::Json(200, results)]);
    let (_dir, path) = image_file();
    let p = run(
        &server_entry(ModelKind::LabelStudioServer, &server.url),
        &path,
    )
    .unwrap();
    let requests = server.handle.join().unwrap();
    assert_eq!(requests[0].line, "POST /predict HTTP/1.1");
    let body = requests[0].json();
    assert_eq!(
        body["tasks"][0]["data"]["image"],
        "/data/local-files/?d=sub%20dir/a.png"
    );
    let config = body["label_config"].as_str().unwrap();
    assert!(
        config.contains("<Label value=\"cat\"/>") && config.contains("$image"),
        "{config}"
    );

    assert_eq!(p.objects.len(), 2, "{:?}", p.objects);
    let polygon = &p.objects[0];
    assert_eq!((polygon.class.as_str(), polygon.score), ("cat", 0.7));
    assert_eq!(
        polygon.shape.bounds(),
        BBox::from_corners([0.0, 0.0], [100.0, 50.0])
    );
    // Percent of the backend's 400×200 scaled to the image's 200×100.
    let line = &p.objects[1];
    assert_eq!((line.class.as_str(), line.score), ("text", 0.95));
    assert_eq!(
        line.shape,
        Shape::Rect(BBox::from_xywh(20.0, 20.0, 50.0, 30.0))
    );
    assert_eq!(
        line.attributes.get(TEXT_ATTRIBUTE),
        Some(&AttrValue::Text("第一行".into()))
    );
    assert_eq!(p.labels.len(), 1);
    assert_eq!(
        (p.labels[0].class.as_str(), p.labels[0].score),
        ("indoor", 0.7)
    );
    assert_eq!(p.left_out.len(), 1);
    assert!(p.left_out[0].contains("brushlabels"), "{:?}", p.left_out);
}

#[test]
fn slow_garbled_failing_or_absent_servers_give_clear_errors() {
    let (_dir, path) = image_file();
    let cases: Vec<(Reply, ModelKind, &str)> = vec![
        (
            Reply::Silent(Duration::from_millis(2500)),
            ModelKind::XAnyLabelingServer,
            "no answer within 1 s",
        ),
        (
            Reply::Raw(200, "<html>oops</html>"),
            ModelKind::XAnyLabelingServer,
            "not JSON: <html>oops</html>",
        ),
        (
            Reply::Raw(500, "Internal Server Error"),
            ModelKind::LabelStudioServer,
            "HTTP 500: Internal Server Error",
        ),
        (
            Reply::Json(
                200,
                json!({"success": false, "error": {"code": "MODEL_NOT_FOUND", "message": "not loaded"}}),
            ),
            ModelKind::XAnyLabelingServer,
            "the server refused: MODEL_NOT_FOUND: not loaded",
        ),
        (
            Reply::Json(200, json!({"predictions": []})),
            ModelKind::LabelStudioServer,
            "not a Label Studio ML backend",
        ),
        (
            Reply::Json(200, json!([1, 2])),
            ModelKind::XAnyLabelingServer,
            "not an X-AnyLabeling server",
        ),
    ];
    for (reply, kind, expected) in cases {
        let server = serve(vec![reply]);
        let msg = run(&server_entry(kind, &server.url), &path).unwrap_err();
        assert!(
            msg.contains(&server.url) && msg.contains(expected),
            "{expected:?} not in {msg:?}"
        );
        server.handle.join().unwrap();
    }
    // Nobody listening.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("http://127.0.0.1:{port}");
    let msg = run(&server_entry(ModelKind::XAnyLabelingServer, &down), &path).unwrap_err();
    assert!(
        msg.contains(&down) && msg.contains("is the server running"),
        "{msg}"
    );
    // Addresses we cannot use are refused before any connection.
    let msg = run(
        &server_entry(ModelKind::LabelStudioServer, "https://example.invalid"),
        &path,
    )
    .unwrap_err();
    assert!(msg.contains("only plain http://"), "{msg}");
}

/// A project of two 200×100 images for `shugu predict --server`.
fn server_project() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let images = dir.path().join("images");
    std::fs::create_dir(&images).unwrap();
    for name in ["a.png", "b.png"] {
        RgbImage::from_pixel(200, 100, image::Rgb([9, 9, 9]))
            .save(images.join(name))
            .unwrap();
    }
    let project = dir.path().join("project");
    crate::common::cli::succeeds(&crate::common::cli::shugu([
        "new".as_ref(),
        project.as_os_str(),
        "--images".as_ref(),
        images.as_os_str(),
    ]));
    (dir, project)
}

fn predict_with_server(project: &std::path::Path, url: &str) -> std::process::Output {
    crate::common::cli::shugu([
        "predict".as_ref(),
        project.as_os_str(),
        "--server".as_ref(),
        url.as_ref(),
        "--server-model".as_ref(),
        "yolo11n".as_ref(),
    ])
}

fn stored_proposals(project: &std::path::Path) -> usize {
    let p = shugu::project::Project::open(project, shugu::project::Access::ReadOnly).unwrap();
    p.all_proposals().unwrap().len()
}

/// Acceptance 4 through `shugu predict` and the project: a server that is
/// down or talks garbage fails the command with a clear message and stores
/// nothing; one that answers stores its shapes as proposals with their text.
#[test]
fn shugu_predict_with_a_server_stores_its_shapes_or_nothing_when_it_fails() {
    let (_dir, project) = server_project();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("http://127.0.0.1:{port}");
    let err = crate::common::cli::fails_cleanly(&predict_with_server(&project, &down));
    assert!(
        err.contains("nothing was stored")
            && err.contains(&down)
            && err.contains("is the server running"),
        "{err}"
    );
    assert_eq!(stored_proposals(&project), 0);

    let garbage = serve(vec![
        Reply::Raw(200, "<html>oops</html>"),
        Reply::Raw(200, "<html>oops</html>"),
    ]);
    let err = crate::common::cli::fails_cleanly(&predict_with_server(&project, &garbage.url));
    assert!(err.contains("not JSON: <html>oops</html>"), "{err}");
    assert_eq!(stored_proposals(&project), 0);

    let line = json!({"success": true, "data": {"shapes": [
        {"label": "text", "shape_type": "rectangle", "points": [[10, 20], [90, 20], [90, 40], [10, 40]],
         "score": 0.9, "description": "数谷 Shugu"}]}});
    let good = serve(vec![Reply::Json(200, line.clone()), Reply::Json(200, line)]);
    let out = crate::common::cli::succeeds(&predict_with_server(&project, &good.url));
    assert!(
        out.contains("stored 2 proposals") && out.contains("on 2 of 2 images"),
        "{out}"
    );
    good.handle.join().unwrap();
    let p = shugu::project::Project::open(&project, shugu::project::Access::ReadOnly).unwrap();
    let all = p.all_proposals().unwrap();
    assert_eq!(all.len(), 2);
    for proposal in &all {
        assert_eq!(proposal.source, "yolo11n");
        assert_eq!(
            proposal.attributes.get(TEXT_ATTRIBUTE),
            Some(&AttrValue::Text("数谷 Shugu".into()))
        );
        assert_eq!(
            proposal.shape,
            Shape::Rect(BBox::from_corners([10.0, 20.0], [90.0, 40.0]))
        );
    }
}
