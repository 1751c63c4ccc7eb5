//! The baseline for `cargo xtask bench desk` (cold start): the smallest Tauri app this
//! repository can build — same Tauri version, same config and bundled assets, one window
//! with a one-line page that reports its first frame. The desk's cold start is measured
//! against it in the same run.
fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(
                app,
                "main",
                tauri::WebviewUrl::App("minimal.html".into()),
            )
            .title("minimal")
            .inner_size(1280.0, 800.0)
            .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("minimal window failed");
}

#[tauri::command]
fn painted(app: tauri::AppHandle) {
    println!("first-paint");
    app.exit(0);
}
