package dev.plangate.subscription;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.plangate.platform.ServerSentEvents;
import dev.plangate.platform.EntitlementChanges;
import dev.plangate.platform.EntitlementChanges.Change;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Min;

/**
 * The entitlement stream an SDK follows to keep customers' entitlements in memory: which
 * customers' entitlements changed, in commit order, across every node. A change names the
 * customer only; the SDK reads {@code GET /v1/customers/{id}/entitlements} again (or
 * drops what it held), so that the stream stays small and the entitlements' one source is
 * the endpoint that computes them.
 */
@RestController
@Tag(name = "Subscriptions")
class EntitlementStreamController {

	/** How long one connection lasts; the SDK reconnects with Last-Event-ID. */
	private static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

	private final EntitlementStream stream;

	EntitlementStreamController(EntitlementStream stream) {
		this.stream = stream;
	}

	/**
	 * The {@code data} of each event of the stream.
	 *
	 * @param seq the change's number, also the event's {@code id}
	 * @param customerId whose entitlements changed ({@code entitlements.changed})
	 * @param reason what changed
	 * @param at when
	 * @param resumed ({@code ready}) whether the stream goes on from the client's
	 * {@code Last-Event-ID}
	 */
	@Schema(name = "EntitlementStreamEvent",
			description = "The `data` of an event of the entitlement stream. Events: `ready` (the client is current: "
					+ "sent first, or after the changes a resuming client missed; `seq`), `reset` (the resume point is unknown or too old: drop every cached customer; "
					+ "`reason`), `entitlements.changed` (`customerId`'s entitlements changed: read them again), "
					+ "`catalog.changed` (a catalog edit: every customer's may have), `ping` (keep-alive, no `id`)")
	record StreamEvent(@Nullable Long seq, @Nullable String customerId, @Nullable String reason, @Nullable Instant at,
			@Nullable Boolean resumed) {
	}

	@ServerSentEvents(data = StreamEvent.class,
			value = { "ready", "reset", "entitlements.changed", "catalog.changed", "ping" })
	@GetMapping(path = "/v1/entitlements/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(operationId = "followEntitlements", summary = "Follow entitlement changes live (Server-Sent Events)",
			description = "Tells which customers' entitlements changed, in commit order, whichever node made the "
					+ "change: plan and subscription status changes, overrides, suspensions, reactivations, "
					+ "deletions and catalog edits. Each event's `id` resumes the stream (as `Last-Event-ID`, or "
					+ "`after`); an unknown or pruned resume point gets a `reset` event first. A `ping` is sent "
					+ "whenever nothing else was for `plangate.subscriptions.stream-keep-alive` (5 s), so a client "
					+ "hearing nothing for longer knows it is cut off. Server keys only.",
			responses = @ApiResponse(responseCode = "200", description = "The stream",
					content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
							schema = @Schema(implementation = StreamEvent.class))))
	SseEmitter follow(@RequestParam(required = false) @Nullable @Min(0) Long after,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable @Min(0) Long lastEventId) {
		var emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
		stream.follow(lastEventId != null ? lastEventId : after, new EntitlementStream.Sink() {
			@Override
			public boolean ready(long seq, boolean resumed) {
				return send(SseEmitter.event()
					.id(String.valueOf(seq))
					.name("ready")
					.data(new StreamEvent(seq, null, null, null, resumed), MediaType.APPLICATION_JSON));
			}

			@Override
			public boolean reset(long seq, String reason) {
				return send(SseEmitter.event()
					.id(String.valueOf(seq))
					.name("reset")
					.data(new StreamEvent(seq, null, reason, null, null), MediaType.APPLICATION_JSON));
			}

			@Override
			public boolean send(Change change) {
				boolean catalog = change.customerId() == null;
				return send(SseEmitter.event()
					.id(String.valueOf(change.seq()))
					.name(catalog ? EntitlementChanges.CATALOG : "entitlements.changed")
					.data(new StreamEvent(change.seq(), change.customerId(), change.reason(), change.at(), null),
							MediaType.APPLICATION_JSON));
			}

			@Override
			public boolean ping() {
				return send(SseEmitter.event()
					.name("ping")
					.data(new StreamEvent(null, null, null, Instant.now(), null), MediaType.APPLICATION_JSON));
			}

			@Override
			public void close() {
				emitter.complete();
			}

			private boolean send(SseEmitter.SseEventBuilder event) {
				try {
					emitter.send(event);
					return true;
				}
				catch (IOException | IllegalStateException ex) {
					return false;
				}
			}
		});
		return emitter;
	}

}
