//! Autoconfig over HTTPS, offline: a local HTTPS server with a test CA serves the document.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches fail loudly

use quietpost_core::autoconfig::{self, Found};
use quietpost_net::{Route, Trust};
use quietpost_store::config::Security;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DOC: &str = r#"<clientConfig version="1.1"><emailProvider id="example.org">
  <incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
  <outgoingServer type="smtp"><hostname>smtp.%EMAILDOMAIN%</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>"#;

/// Serves `body` once over HTTPS on loopback; returns the port, the CA file and the request.
async fn serve(body: &'static str) -> (u16, std::path::PathBuf, tokio::task::JoinHandle<String>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let ca_file = std::env::temp_dir().join(format!(
        "qp-autoconfig-ca-{}-{}.pem",
        std::process::id(),
        body.len()
    ));
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = tokio_rustls::TlsAcceptor::from(Arc::new(config))
            .accept(tcp)
            .await
            .unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.ends_with(b"\r\n\r\n") {
            let n = tls.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        tls.write_all(response.as_bytes()).await.unwrap();
        let _ = tls.shutdown().await;
        String::from_utf8_lossy(&request).into_owned()
    });
    (port, ca_file, handle)
}

#[tokio::test]
async fn an_autoconfig_document_over_https_is_used() {
    let (port, ca, server) = serve(DOC).await;
    let hosts = vec![(
        "localhost".to_owned(),
        port,
        "/mail/config-v1.1.xml?emailaddress=alice%40example.org".to_owned(),
    )];
    let d = autoconfig::discover_at(
        "alice@example.org",
        &hosts,
        &Trust::CaFile(ca),
        &Route::Direct,
    )
    .await
    .unwrap();
    assert_eq!(
        d.imap,
        Found {
            host: "imap.example.org".into(),
            port: 993,
            security: Security::ImplicitTls
        }
    );
    assert_eq!(
        d.smtp,
        Found {
            host: "smtp.example.org".into(),
            port: 465,
            security: Security::ImplicitTls
        }
    );
    assert!(d.source.contains("https://localhost:"), "{}", d.source);
    let request = server.await.unwrap();
    assert!(
        request
            .starts_with("GET /mail/config-v1.1.xml?emailaddress=alice%40example.org HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        !request.to_ascii_lowercase().contains("cookie"),
        "{request}"
    );
}

#[tokio::test]
async fn a_document_offering_only_plain_text_is_refused() {
    const PLAIN: &str = r#"<clientConfig><emailProvider id="example.org">
      <incomingServer type="imap"><hostname>imap.example.org</hostname><port>143</port><socketType>plain</socketType></incomingServer>
      <outgoingServer type="smtp"><hostname>smtp.example.org</hostname><port>25</port><socketType>plain</socketType></outgoingServer>
    </emailProvider></clientConfig>"#;
    let (port, ca, server) = serve(PLAIN).await;
    let hosts = vec![(
        "localhost".to_owned(),
        port,
        "/mail/config-v1.1.xml".to_owned(),
    )];
    let err = autoconfig::discover_at(
        "alice@example.org",
        &hosts,
        &Trust::CaFile(ca),
        &Route::Direct,
    )
    .await
    .unwrap_err();
    assert!(err.contains("plain-text entries are never used"), "{err}");
    server.await.unwrap();
}

#[tokio::test]
async fn an_untrusted_https_server_is_not_believed() {
    let (port, _ca, server) = serve(DOC).await;
    let hosts = vec![(
        "localhost".to_owned(),
        port,
        "/mail/config-v1.1.xml".to_owned(),
    )];
    let err = autoconfig::discover_at("alice@example.org", &hosts, &Trust::System, &Route::Direct)
        .await
        .unwrap_err();
    assert!(err.contains("certificate"), "{err}");
    server.abort();
}

#[test]
fn candidates_follow_thunderbird_conventions() {
    let c = autoconfig::candidates("alice+news@Example.org");
    assert_eq!(
        c[0],
        (
            "autoconfig.example.org".into(),
            "/mail/config-v1.1.xml?emailaddress=alice%2Bnews%40Example.org".into()
        )
    );
    assert_eq!(c[1].1, "/.well-known/autoconfig/mail/config-v1.1.xml");
}
