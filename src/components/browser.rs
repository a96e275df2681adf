//! The few things only a browser can do, with server-side stand-ins. This is
//! the one module where the two targets differ.

use crate::domain::job::ProgressEvent;
use crate::domain::table::JobSnapshot;

/// A UTC timestamp in the viewer's local time (the server renders UTC; the
/// browser re-renders after hydration).
pub fn local_time(utc: &chrono::DateTime<chrono::Utc>) -> String {
    #[cfg(feature = "hydrate")]
    {
        let millis = leptos::wasm_bindgen::JsValue::from_f64(utc.timestamp_millis() as f64);
        let date = js_sys::Date::new(&millis);
        String::from(date.to_locale_string("default", &leptos::wasm_bindgen::JsValue::UNDEFINED))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        super::format::utc_minute(utc)
    }
}

/// The current time (the browser's clock in the browser).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    #[cfg(feature = "hydrate")]
    {
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now()
    }
}

/// Whether this site may show the browser's notifications.
pub fn notifications_allowed() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::Notification::permission() == web_sys::NotificationPermission::Granted
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Asks the person once whether this site may notify them; `then` hears the answer.
pub fn ask_for_notifications(then: impl Fn(bool) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(answer) = web_sys::Notification::request_permission() {
            leptos::task::spawn_local(async move {
                let granted = wasm_bindgen_futures::JsFuture::from(answer)
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .is_some_and(|v| v == "granted");
                then(granted);
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = then;
    }
}

/// Shows a browser notification, if the person allowed them.
pub fn notify(title: &str, body: &str) {
    #[cfg(feature = "hydrate")]
    if notifications_allowed() {
        let options = web_sys::NotificationOptions::new();
        options.set_body(body);
        let _ = web_sys::Notification::new_with_options(title, &options);
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (title, body);
    }
}

/// What the job page hears from the server.
#[derive(Debug, Clone)]
pub enum JobStreamEvent {
    Snapshot(Box<JobSnapshot>),
    Progress(ProgressEvent),
}

/// Subscribes to a job's server-sent events; the browser reconnects by itself
/// after a drop and then gets a fresh snapshot. Returns a function that closes it.
pub fn subscribe_to_job(
    job_id: i32,
    on_event: impl Fn(JobStreamEvent) + 'static,
) -> impl FnOnce() + Send + Sync + 'static {
    let close = send_wrapper::SendWrapper::new(open_stream(job_id, on_event));
    move || (close.take())()
}

fn open_stream(job_id: i32, on_event: impl Fn(JobStreamEvent) + 'static) -> Box<dyn FnOnce()> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::{JsCast, closure::Closure};
        use std::rc::Rc;

        let source = web_sys::EventSource::new(&format!("/api/jobs/{job_id}/events")).ok();
        let on_event = Rc::new(on_event);
        let mut closures = Vec::new();
        if let Some(source) = &source {
            for kind in ["snapshot", "company", "job"] {
                let on_event = on_event.clone();
                let closure = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                    move |message: web_sys::MessageEvent| {
                        let Some(text) = message.data().as_string() else {
                            return;
                        };
                        // The event's name says which struct it is (its `type` field is ignored).
                        let event = match kind {
                            "snapshot" => serde_json::from_str::<JobSnapshot>(&text)
                                .ok()
                                .map(|d| JobStreamEvent::Snapshot(Box::new(d))),
                            "company" => {
                                serde_json::from_str::<crate::domain::job::CompanyProgress>(&text)
                                    .ok()
                                    .map(|c| JobStreamEvent::Progress(ProgressEvent::Company(c)))
                            }
                            _ => serde_json::from_str::<crate::domain::job::JobProgress>(&text)
                                .ok()
                                .map(|j| JobStreamEvent::Progress(ProgressEvent::Job(j))),
                        };
                        if let Some(event) = event {
                            on_event(event);
                        }
                    },
                );
                let _ =
                    source.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
                closures.push(closure);
            }
        }
        Box::new(move || {
            if let Some(source) = source {
                source.close();
            }
            drop(closures);
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (job_id, on_event);
        Box::new(|| {})
    }
}
