//! Live updates: status changes of the records a viewer may see.

use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, stream};
use tokio::sync::broadcast::error::RecvError;

use super::{
    context::caller,
    ids::{self, NodeType},
    types::{enums::OpportunityStatus, opportunity::Opportunity},
};
use crate::{error::AppError, events::EventBus, service};

/// A record's status changed (or, with no previous status, it was created).
#[derive(SimpleObject)]
pub struct OpportunityEvent {
    /// The record as it is when the event is delivered.
    pub opportunity: Opportunity,
    /// The status the record moved to.
    pub status: OpportunityStatus,
    /// The status it left; null when the record was created.
    pub previous_status: Option<OpportunityStatus>,
    /// When the change was committed.
    pub at: DateTime<Utc>,
}

#[derive(Default)]
pub struct Subscription;

/// Live updates over WebSocket (`graphql-transport-ws` at `/graphql/ws`).
#[Subscription]
impl Subscription {
    /// Every status change the viewer may see, in commit order; only those of one record with `opportunityId`.
    /// A record the viewer may not see is `NOT_FOUND`, and its events never arrive.
    async fn opportunity_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the events of this record.")] opportunity_id: Option<ID>,
    ) -> Result<impl Stream<Item = OpportunityEvent> + use<>> {
        let caller = caller(ctx)?.clone();
        let only = opportunity_id
            .map(|id| ids::expect(&id, NodeType::Opportunity, "opportunityId"))
            .transpose()?;
        if let Some(id) = only {
            service::opportunities::get(&caller, id).await?;
        }
        let receiver = ctx.data::<EventBus>()?.subscribe();
        Ok(stream::unfold(
            (receiver, caller),
            move |(mut receiver, caller)| async move {
                loop {
                    let event = match receiver.recv().await {
                        Ok(event) => event,
                        Err(RecvError::Lagged(missed)) => {
                            tracing::warn!(missed, "a subscriber fell behind and missed events");
                            continue;
                        }
                        Err(RecvError::Closed) => return None,
                    };
                    if only.is_some_and(|id| id != event.opportunity_id) {
                        continue;
                    }
                    // Visibility is decided now, by the same scope as every read.
                    match service::opportunities::get(&caller, event.opportunity_id).await {
                        Ok(record) => {
                            let item = OpportunityEvent {
                                opportunity: Opportunity(record),
                                status: event.status.into(),
                                previous_status: event.previous_status.map(Into::into),
                                at: event.at,
                            };
                            return Some((item, (receiver, caller)));
                        }
                        Err(AppError::NotFound) => continue,
                        Err(err) => {
                            tracing::warn!(error = ?err, "cannot check an event's visibility");
                            continue;
                        }
                    }
                }
            },
        ))
    }
}
