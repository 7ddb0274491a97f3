//! Replies taken only whole. The SDK's XML reader takes a body cut short (with a
//! `Content-Length` to match) for the whole one: a DescribeStacks reply cut in an output's value
//! reads as a stack with that value cut. [`WholeReplies`] wraps the HTTP client so that an XML
//! reply is read into memory and, unless it is one complete XML document ([`check`]), fails as
//! an I/O error ([`CutShort`]), which the SDK's retries try again like a reset connection. The
//! read is part of the attempt, so `--request-timeout` bounds it.

use std::error::Error;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::config_bag::ConfigBag;
use xmlparser::{ElementEnd, Token, Tokenizer};

/// A reply that was not read whole: the error of the attempt, which the SDK retries.
#[derive(Debug, thiserror::Error)]
#[error("the reply to {call} was cut short ({why})")]
pub struct CutShort {
    /// The call it answers: a Query call's action (`DescribeStacks`), else the request's method
    /// and path (`PUT /bucket/key`).
    pub call: String,
    /// What is wrong with it.
    pub why: String,
}

impl CutShort {
    /// The [`CutShort`] that `err` is or comes from, if any.
    pub fn within<'a>(err: &'a (dyn Error + 'static)) -> Option<&'a CutShort> {
        std::iter::successors(Some(err), |&err| err.source())
            .find_map(|err| err.downcast_ref::<CutShort>())
    }
}

/// Why a body is not one complete XML document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Incomplete {
    /// It ends with this element open.
    #[error("its XML ends inside <{0}>")]
    Unclosed(String),
    /// It ends inside the start tag of this element.
    #[error("its XML ends inside the tag <{0}")]
    InTag(String),
    /// It has no element.
    #[error("it has no XML element")]
    NoElement,
    /// An element is closed by another's end tag.
    #[error("its XML closes <{open}> with </{close}>")]
    Mismatched {
        /// The element open.
        open: String,
        /// The name of the end tag.
        close: String,
    },
    /// The tokenizer's error: a tag or text broken off, or something after the root element.
    #[error("its XML is malformed: {0}")]
    Malformed(String),
    /// It ends inside a character of several bytes.
    #[error("it ends inside a UTF-8 character")]
    InCharacter,
    /// It is not UTF-8 from this byte on.
    #[error("it is not UTF-8 at byte {0}")]
    NotUtf8(usize),
}

/// Checks that `body` is one complete XML document: its root element closed, nothing but white
/// space, comments and processing instructions after it, and no error of the tokenizer. A body
/// of nothing but white space holds no document, and passes: it is left to the SDK (S3 answers
/// some calls with an empty body).
pub fn check(body: &[u8]) -> Result<(), Incomplete> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let text = std::str::from_utf8(body).map_err(|err| match err.error_len() {
        None => Incomplete::InCharacter,
        Some(_) => Incomplete::NotUtf8(err.valid_up_to()),
    })?;
    // The elements open, each as its prefix and local name.
    let mut open: Vec<(&str, &str)> = Vec::new();
    let mut in_tag = false;
    let mut rooted = false;
    for token in Tokenizer::from(text) {
        match token.map_err(|err| Incomplete::Malformed(err.to_string()))? {
            Token::ElementStart { prefix, local, .. } => {
                open.push((prefix.as_str(), local.as_str()));
                in_tag = true;
                rooted = true;
            }
            Token::ElementEnd { end, .. } => {
                in_tag = false;
                match end {
                    ElementEnd::Open => {}
                    ElementEnd::Empty => {
                        open.pop();
                    }
                    ElementEnd::Close(prefix, local) => {
                        let close = (prefix.as_str(), local.as_str());
                        match open.pop() {
                            Some(element) if element == close => {}
                            element => {
                                return Err(Incomplete::Mismatched {
                                    open: element.map(name).unwrap_or_default(),
                                    close: name(close),
                                })
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    match open.last() {
        Some(&element) if in_tag => Err(Incomplete::InTag(name(element))),
        Some(&element) => Err(Incomplete::Unclosed(name(element))),
        None if rooted => Ok(()),
        None => Err(Incomplete::NoElement),
    }
}

/// An element's name from its prefix and local name: `local` or `prefix:local`.
fn name((prefix, local): (&str, &str)) -> String {
    if prefix.is_empty() {
        local.to_owned()
    } else {
        format!("{prefix}:{local}")
    }
}

/// The HTTP client of every request, with each XML reply read whole and [`check`]ed before the
/// SDK reads it.
#[derive(Debug)]
pub struct WholeReplies(pub SharedHttpClient);

impl HttpClient for WholeReplies {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(WholeReply(self.0.http_connector(settings, components)))
    }

    fn validate_base_client_config(
        &self,
        components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.validate_base_client_config(components, cfg)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.validate_final_config(components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

/// A connector whose XML replies are read whole and [`check`]ed.
#[derive(Debug)]
struct WholeReply(SharedHttpConnector);

impl HttpConnector for WholeReply {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let call = call_of(&request);
        let reply = self.0.call(request);
        HttpConnectorFuture::new(async move { whole(reply.await?, call).await })
    }
}

/// `reply` to `call` with its body in memory, if it is XML; an I/O error ([`CutShort`]) if that
/// body cannot be read to its end or is not one complete XML document.
async fn whole(mut reply: HttpResponse, call: String) -> Result<HttpResponse, ConnectorError> {
    if !is_xml(reply.headers().get("content-type")) {
        return Ok(reply);
    }
    let cut = |why: String| {
        ConnectorError::io(Box::new(CutShort {
            call: call.clone(),
            why,
        }))
    };
    let body = ByteStream::new(reply.take_body())
        .collect()
        .await
        .map_err(|err| cut(format!("reading it failed: {err}")))?
        .into_bytes();
    check(&body).map_err(|reason| cut(format!("{} bytes: {reason}", body.len())))?;
    *reply.body_mut() = SdkBody::from(body);
    Ok(reply)
}

/// Whether a `Content-Type` is XML's: `text/xml`, `application/xml` or a `+xml` type.
fn is_xml(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/xml")
        || essence.eq_ignore_ascii_case("application/xml")
        || essence
            .rsplit_once('+')
            .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("xml"))
}

/// The call `request` makes, to name it: a Query call's action (`DescribeStacks`), else its
/// method and path (`PUT /bucket/key`).
fn call_of(request: &HttpRequest) -> String {
    let form = request
        .headers()
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let action = form
        .then(|| request.body().bytes())
        .flatten()
        .and_then(|body| {
            body.split(|&b| b == b'&')
                .find_map(|pair| pair.strip_prefix(b"Action="))
        });
    match action {
        Some(action) => String::from_utf8_lossy(action).into_owned(),
        None => format!("{} {}", request.method(), path(request.uri())),
    }
}

/// The path of `uri`, without its query: `/bucket/key` of `http://host/bucket/key?x-id=PutObject`.
fn path(uri: &str) -> &str {
    let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let path = rest.find('/').map_or("/", |at| &rest[at..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;

    /// A DescribeStacks reply as CloudFormation sends it.
    const STACKS: &str = concat!(
        r#"<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">"#,
        "<DescribeStacksResult><Stacks><member><StackName>shop-dev</StackName>",
        "<Outputs><member><OutputKey>Url</OutputKey>",
        "<OutputValue>https://sqs.us-east-1.amazonaws.com/1/jobs</OutputValue></member></Outputs>",
        "<StackStatus>CREATE_COMPLETE</StackStatus></member></Stacks></DescribeStacksResult>",
        "<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>",
        "</DescribeStacksResponse>",
    );

    /// `STACKS` up to just after `text`.
    fn cut_after(text: &str) -> &'static str {
        let at = STACKS.find(text).unwrap() + text.len();
        &STACKS[..at]
    }

    fn unclosed(name: &str) -> Result<(), Incomplete> {
        Err(Incomplete::Unclosed(name.to_owned()))
    }

    #[test]
    fn a_complete_document_passes() {
        assert_eq!(check(STACKS.as_bytes()), Ok(()));
        assert_eq!(check(b"<a/>"), Ok(()));
        assert_eq!(check(b"<s:a><s:b/><![CDATA[<c>]]></s:a>"), Ok(()));
    }

    #[test]
    fn a_document_cut_in_its_text_ends_inside_an_element() {
        assert_eq!(
            check(cut_after("<OutputValue>https://sqs").as_bytes()),
            unclosed("OutputValue")
        );
        assert_eq!(
            check(cut_after("</Outputs>").as_bytes()),
            unclosed("member")
        );
        // All but the root's end tag.
        let last = STACKS.len() - "</DescribeStacksResponse>".len();
        assert_eq!(
            check(&STACKS.as_bytes()[..last]),
            unclosed("DescribeStacksResponse")
        );
    }

    #[test]
    fn a_document_cut_in_a_tag_is_incomplete() {
        assert_eq!(
            check(cut_after("<OutputVal").as_bytes()),
            Err(Incomplete::InTag("OutputVal".to_owned()))
        );
        for cut in [
            "<DescribeStacksResponse xmlns=\"http://cloud",
            "</OutputValue",
            "</Outp",
            "<",
        ] {
            assert!(
                matches!(
                    check(cut_after(cut).as_bytes()),
                    Err(Incomplete::Malformed(_))
                ),
                "{cut}"
            );
        }
        let end = STACKS.len() - 1;
        assert!(matches!(
            check(&STACKS.as_bytes()[..end]),
            Err(Incomplete::Malformed(_))
        ));
    }

    #[test]
    fn only_an_opening_tag_is_incomplete() {
        assert_eq!(
            check(cut_after("2010-05-15/\">").as_bytes()),
            unclosed("DescribeStacksResponse")
        );
        assert_eq!(check(b"<s:a>"), unclosed("s:a"));
    }

    #[test]
    fn white_space_and_comments_may_follow_the_root_element() {
        assert_eq!(check(format!("{STACKS}\n  \r\n\t").as_bytes()), Ok(()));
        assert_eq!(check(b"<a/>\n<!-- served by x -->\n"), Ok(()));
        assert!(matches!(
            check(b"<a/>\n<!-- served"),
            Err(Incomplete::Malformed(_))
        ));
        for after in ["<a/>x", "<a/><b/>", "<a/></a>"] {
            assert!(
                matches!(check(after.as_bytes()), Err(Incomplete::Malformed(_))),
                "{after}"
            );
        }
    }

    #[test]
    fn an_xml_declaration_and_a_byte_order_mark_may_come_first() {
        let declared = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{STACKS}");
        assert_eq!(check(declared.as_bytes()), Ok(()));
        assert_eq!(check(format!("\u{feff}{declared}").as_bytes()), Ok(()));
        let alone = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        assert_eq!(check(alone.as_bytes()), Err(Incomplete::NoElement));
        assert!(matches!(
            check(b"<?xml version=\"1."),
            Err(Incomplete::Malformed(_))
        ));
    }

    #[test]
    fn a_body_of_nothing_but_white_space_is_left_alone() {
        assert_eq!(check(b""), Ok(()));
        assert_eq!(check(b" \r\n"), Ok(()));
        assert_eq!(check(b"\xEF\xBB\xBF"), Ok(()));
        assert_eq!(check(b"<!-- x -->"), Err(Incomplete::NoElement));
    }

    #[test]
    fn mismatched_tags_and_broken_characters_are_incomplete() {
        assert_eq!(
            check(b"<a><b></a>"),
            Err(Incomplete::Mismatched {
                open: "b".to_owned(),
                close: "a".to_owned()
            })
        );
        let text = "<a>caf\u{e9}</a>".as_bytes();
        let in_character = text.iter().position(|&b| b == 0xc3).unwrap() + 1;
        assert_eq!(check(&text[..in_character]), Err(Incomplete::InCharacter));
        assert_eq!(check(b"<a>\xff</a>"), Err(Incomplete::NotUtf8(3)));
    }

    #[test]
    fn xml_is_told_by_its_content_type() {
        for xml in [
            "text/xml",
            "application/xml",
            "Application/XML; charset=utf-8",
            "application/atom+xml",
        ] {
            assert!(is_xml(Some(xml)), "{xml}");
        }
        for other in [
            None,
            Some(""),
            Some("text/html; charset=utf-8"),
            Some("application/json"),
            Some("application/x-amz-json-1.1"),
            Some("text/xmlx"),
        ] {
            assert!(!is_xml(other), "{other:?}");
        }
    }

    #[test]
    fn a_call_is_named_by_its_action_else_its_method_and_path() {
        let mut query = HttpRequest::new(SdkBody::from("Action=DescribeStacks&Version=2010-05-15"));
        query
            .headers_mut()
            .insert("content-type", "application/x-www-form-urlencoded");
        assert_eq!(call_of(&query), "DescribeStacks");
        let mut rest = HttpRequest::new(SdkBody::from("Action=x"));
        rest.set_method("PUT").unwrap();
        rest.set_uri("http://127.0.0.1:5000/bucket/key?x-id=PutObject")
            .unwrap();
        assert_eq!(call_of(&rest), "PUT /bucket/key");
        assert_eq!(path("https://s3.amazonaws.com"), "/");
        assert_eq!(path("/a#b"), "/a");
    }

    /// A connector that answers every request with `body`, of `content_type`.
    #[derive(Debug)]
    struct Answers(&'static str, &'static str);

    impl HttpConnector for Answers {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let status = StatusCode::try_from(200).unwrap();
            let mut reply = HttpResponse::new(status, SdkBody::from(self.1));
            reply.headers_mut().insert("content-type", self.0);
            HttpConnectorFuture::ready(Ok(reply))
        }
    }

    /// The body that a DescribeStacks call gets through [`WholeReply`] from a connector that
    /// answers `body`, of `content_type`.
    fn through(content_type: &'static str, body: &'static str) -> Result<String, ConnectorError> {
        let connector = WholeReply(SharedHttpConnector::new(Answers(content_type, body)));
        let mut request = HttpRequest::new(SdkBody::from("Action=DescribeStacks"));
        request
            .headers_mut()
            .insert("content-type", "application/x-www-form-urlencoded");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let reply = runtime.block_on(connector.call(request))?;
        Ok(String::from_utf8(reply.body().bytes().unwrap().to_vec()).unwrap())
    }

    #[test]
    fn a_whole_reply_passes_and_one_cut_short_is_an_io_error() {
        assert_eq!(through("text/xml", STACKS).unwrap(), STACKS);
        let cut = cut_after("<OutputValue>https://sqs");
        let err = through("text/xml", cut).unwrap_err();
        assert!(err.is_io(), "{err:?}");
        assert_eq!(
            CutShort::within(&err).unwrap().to_string(),
            format!(
                "the reply to DescribeStacks was cut short ({} bytes: its XML ends inside <OutputValue>)",
                cut.len()
            )
        );
        assert_eq!(through("text/html", cut).unwrap(), cut);
        assert_eq!(through("application/xml", "").unwrap(), "");
    }
}
