//! The accept loop: HTTP/1.1 connections served by hyper with a header read timeout, and graceful shutdown.
//!
//! `axum::serve` cannot set hyper's header read timeout, so a client that trickles its headers (slow-loris) or
//! leaves a kept-alive connection silent held it open for as long as it liked. This loop is `axum::serve` with that
//! one setting: each connection gets the client's address as `ConnectInfo`, upgrades (the WebSocket endpoint)
//! work, and on shutdown the listener closes while open connections finish their current request.

use std::{convert::Infallible, future::Future, time::Duration};

use axum::{Router, body::Body, extract::ConnectInfo};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::watch};

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting and returns once every open
/// connection has finished (the caller bounds that wait).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    // Dropped senders and receivers are the signals: `stop` tells connections to finish, and `open.closed()`
    // resolves once every connection task has dropped its receiver.
    let (stop, stopping) = watch::channel(());
    let (open, connections) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    accept_error(err).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let service = tower::service_fn(move |mut request: axum::http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(remote));
            let request = request.map(Body::new);
            let router = router.clone();
            async move {
                let response = tower::ServiceExt::oneshot(router, request).await;
                Ok::<_, Infallible>(response.unwrap_or_else(|never| match never {}))
            }
        });
        let mut stopping = stopping.clone();
        let connections = connections.clone();
        tokio::spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout);
            let connection = builder
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
                .with_upgrades();
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stopping.changed() => {
                    // Finishes the request in flight, then closes; an idle connection closes at once.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(err) = result {
                tracing::debug!(error = %err, %remote, "connection ended with an error");
            }
            drop(connections);
        });
    }
    drop(listener);
    drop(stop);
    drop(connections);
    open.closed().await;
}

/// Connection-level errors (a client that reset before we accepted) are the client's; anything else (out of file
/// descriptors) would spin the loop, so it waits a moment.
async fn accept_error(err: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
