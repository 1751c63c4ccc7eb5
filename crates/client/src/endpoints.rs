//! One method per operator endpoint the desk uses. Paths mirror the server's OpenAPI
//! document (`/openapi.json`); mutations take the caller's idempotency key.
use crate::error::ClientError;
use crate::http::CentralClient;
use kencom_api::operator::*;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;

type R<T> = Result<T, ClientError>;
const NO_QUERY: Option<&()> = None;
const NO_BODY: Option<&()> = None;

impl CentralClient {
    async fn get<T: DeserializeOwned>(&self, path: &str, token: &str) -> R<T> {
        self.send(Method::GET, path, Some(token), NO_QUERY, NO_BODY, None)
            .await
    }

    async fn get_q<Q: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        q: &Q,
    ) -> R<T> {
        self.send(Method::GET, path, Some(token), Some(q), NO_BODY, None)
            .await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: Option<&B>,
        key: &str,
    ) -> R<T> {
        self.send(Method::POST, path, Some(token), NO_QUERY, body, Some(key))
            .await
    }

    /// ID + password + TOTP → tokens.
    pub async fn login(&self, req: &OperatorLoginRequest) -> R<TokenPair> {
        self.send(
            Method::POST,
            "/operator/auth/login",
            None,
            NO_QUERY,
            Some(req),
            None,
        )
        .await
    }

    /// Rotate the refresh token (single use).
    pub async fn refresh(&self, refresh_token: &str) -> R<TokenPair> {
        let body = RefreshRequest {
            refresh_token: refresh_token.to_owned(),
        };
        self.send(
            Method::POST,
            "/operator/auth/refresh",
            None,
            NO_QUERY,
            Some(&body),
            None,
        )
        .await
    }

    /// Revoke the session behind `token`.
    pub async fn logout(&self, token: &str) -> R<serde_json::Value> {
        self.send(
            Method::POST,
            "/operator/auth/logout",
            Some(token),
            NO_QUERY,
            NO_BODY,
            None,
        )
        .await
    }

    /// Who the token belongs to.
    pub async fn me(&self, token: &str) -> R<OperatorInfo> {
        self.get("/operator/me", token).await
    }

    /// Member search (masked, paginated).
    pub async fn search_members(&self, token: &str, q: &MemberSearchQuery) -> R<MemberPage> {
        self.get_q("/operator/members", token, q).await
    }

    /// Member detail with timeline (audited read).
    pub async fn member(&self, token: &str, id: i64) -> R<MemberDetail> {
        self.get(&format!("/operator/members/{id}"), token).await
    }

    /// Causes that apply to a member.
    pub async fn member_diagnosis(&self, token: &str, id: i64) -> R<Diagnosis> {
        self.get(&format!("/operator/members/{id}/diagnosis"), token)
            .await
    }

    /// Causes and candidates for inquiry data that may match nobody.
    pub async fn diagnose(&self, token: &str, req: &DiagnoseRequest) -> R<Diagnosis> {
        self.send(
            Method::POST,
            "/operator/diagnosis",
            Some(token),
            NO_QUERY,
            Some(req),
            None,
        )
        .await
    }

    /// The inquiry queue.
    pub async fn inquiries(&self, token: &str, q: &InquiryListQuery) -> R<InquiryPage> {
        self.get_q("/operator/inquiries", token, q).await
    }

    /// One inquiry.
    pub async fn inquiry(&self, token: &str, id: i64) -> R<InquiryView> {
        self.get(&format!("/operator/inquiries/{id}"), token).await
    }

    /// Claim an inquiry; the answer is the new case.
    pub async fn claim(&self, token: &str, inquiry_id: i64, key: &str) -> R<CaseView> {
        self.post::<(), _>(
            &format!("/operator/inquiries/{inquiry_id}/claim"),
            token,
            None,
            key,
        )
        .await
    }

    /// A case with notes, verifications and reissues.
    pub async fn case(&self, token: &str, id: i64) -> R<CaseView> {
        self.get(&format!("/operator/cases/{id}"), token).await
    }

    /// Attach the member the case is about.
    pub async fn link_member(
        &self,
        token: &str,
        case: i64,
        req: &LinkMemberRequest,
        key: &str,
    ) -> R<CaseView> {
        self.post(
            &format!("/operator/cases/{case}/member"),
            token,
            Some(req),
            key,
        )
        .await
    }

    /// Add an internal note.
    pub async fn add_note(
        &self,
        token: &str,
        case: i64,
        req: &NoteRequest,
        key: &str,
    ) -> R<CaseView> {
        self.post(
            &format!("/operator/cases/{case}/notes"),
            token,
            Some(req),
            key,
        )
        .await
    }

    /// Set a case open / waiting.
    pub async fn set_status(
        &self,
        token: &str,
        case: i64,
        req: &CaseStatusRequest,
        key: &str,
    ) -> R<CaseView> {
        self.post(
            &format!("/operator/cases/{case}/status"),
            token,
            Some(req),
            key,
        )
        .await
    }

    /// Close a case with a resolution category.
    pub async fn close(
        &self,
        token: &str,
        case: i64,
        req: &CloseRequest,
        key: &str,
    ) -> R<CaseView> {
        self.post(
            &format!("/operator/cases/{case}/close"),
            token,
            Some(req),
            key,
        )
        .await
    }

    /// Record an identity verification.
    pub async fn verify(
        &self,
        token: &str,
        case: i64,
        req: &VerificationRequest,
        key: &str,
    ) -> R<VerificationView> {
        self.post(
            &format!("/operator/cases/{case}/verifications"),
            token,
            Some(req),
            key,
        )
        .await
    }

    /// Reissue the checkup code (gated by a passed verification).
    pub async fn reissue(&self, token: &str, case: i64, key: &str) -> R<ReissueView> {
        self.post::<(), _>(&format!("/operator/cases/{case}/reissue"), token, None, key)
            .await
    }

    /// A desk-printed reissue postcard's data, code included (audited on the server).
    pub async fn desk_postcard(&self, token: &str, case: i64, reissue: i64) -> R<PostcardData> {
        self.get(
            &format!("/operator/cases/{case}/reissues/{reissue}/postcard"),
            token,
        )
        .await
    }

    /// Report a desk-printed postcard printed: the server forgets its code.
    pub async fn postcard_printed(
        &self,
        token: &str,
        case: i64,
        reissue: i64,
        key: &str,
    ) -> R<ReissueView> {
        self.post::<(), _>(
            &format!("/operator/cases/{case}/reissues/{reissue}/printed"),
            token,
            None,
            key,
        )
        .await
    }

    /// Reveal the login e-mail (gated, audited).
    pub async fn reveal_email(&self, token: &str, case: i64, key: &str) -> R<RevealedEmail> {
        self.post::<(), _>(
            &format!("/operator/cases/{case}/reveal-email"),
            token,
            None,
            key,
        )
        .await
    }

    /// Resend the activation mail (gated).
    pub async fn resend_activation(&self, token: &str, case: i64, key: &str) -> R<ResendView> {
        self.post::<(), _>(
            &format!("/operator/cases/{case}/resend-activation"),
            token,
            None,
            key,
        )
        .await
    }

    /// Unlock the member's login (gated).
    pub async fn unlock(&self, token: &str, case: i64, key: &str) -> R<UnlockView> {
        self.post::<(), _>(&format!("/operator/cases/{case}/unlock"), token, None, key)
            .await
    }
}
