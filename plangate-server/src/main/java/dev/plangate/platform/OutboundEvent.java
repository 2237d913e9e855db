package dev.plangate.platform;

import org.jspecify.annotations.Nullable;

/**
 * A fact told to the world outside: stored in the event log and delivered to webhook
 * endpoints. Publish it with Spring's {@code ApplicationEventPublisher} inside the
 * transaction of the change it describes; it is stored in that same transaction, so a
 * change without its event, or an event without its change, cannot be committed.
 *
 * @param type one of the event catalog's types (docs/webhooks.md), such as
 * {@code subscription.changed}
 * @param customerId the customer it concerns; null for an event of the whole platform
 * @param data the event's object, written as JSON
 */
public record OutboundEvent(String type, @Nullable String customerId, Object data) {

	/** Catalog types: lower-case words joined by dots, such as {@code grant.created}. */
	public static final String TYPE = "[a-z][a-z_]*(\\.[a-z][a-z_]*)+";

	public OutboundEvent {
		if (!type.matches(TYPE)) {
			throw new IllegalArgumentException("Not an event type: " + type);
		}
	}

}
