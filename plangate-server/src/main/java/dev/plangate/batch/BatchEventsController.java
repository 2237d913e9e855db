package dev.plangate.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.plangate.platform.Actor;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.Page;
import dev.plangate.platform.ServerSentEvents;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import tools.jackson.databind.JsonNode;

/**
 * Batch events as pages of JSON, or live as Server-Sent Events (the same paths with
 * {@code Accept: text/event-stream}). Each SSE event carries the event number as its
 * {@code id}, so a client that reconnects with {@code Last-Event-ID} misses nothing. A
 * client that falls too far behind gets a last event {@code stream.too_slow} (code
 * {@code subscriber_too_slow}, with the {@code lastSeq} to resume after) and the stream
 * ends. Every stream starts with a comment line ({@code :connected}), sent at once with
 * the headers.
 */
@RestController
@Tag(name = "Batches")
class BatchEventsController {

	/** How long one SSE connection lasts; clients reconnect with Last-Event-ID. */
	private static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

	private final BatchService batches;

	BatchEventsController(BatchService batches) {
		this.batches = batches;
	}

	record EventView(long seq, UUID batchId, String type, JsonNode data, Instant at) {

		static EventView of(BatchEvent e) {
			return new EventView(e.seq(), e.batchId(), e.type(), e.data(), e.at());
		}
	}

	@GetMapping(path = "/v1/batches/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listBatchEvents", summary = "A batch's events, in order",
			description = "batch.queued, batch.processing, operation.started / progress / completed / failed, "
					+ "batch.failing / cancelling / rolling_back, and how it ended (batch.completed, "
					+ "completed_with_errors, failed, cancelled, rolled_back, rollback_failed). Pass `nextCursor` (the last "
					+ "`seq` of a full page) as `after` to read on. Pages show an event once it is 2 s old (numbers can commit out of "
					+ "order; this way a reader resuming after the last one misses none); ask for "
					+ "`text/event-stream` to follow live.")
	Page<EventView> events(@PathVariable UUID id, @RequestParam @CustomerId String customerId,
			@RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestParam(defaultValue = "500") @Min(1) @Max(1000) int limit) {
		return page(batches.events(customerId, id, after, limit), limit);
	}

	@GetMapping(path = "/v1/batches/events", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listCustomerBatchEvents", summary = "The events of all of a customer's batches, in order",
			description = "Pass `nextCursor` (the last `seq` of a full page) as `after` to read on.")
	Page<EventView> customerEvents(@RequestParam @CustomerId String customerId,
			@RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestParam(defaultValue = "500") @Min(1) @Max(1000) int limit) {
		return page(batches.events(customerId, null, after, limit), limit);
	}

	/** A page of events: a full one names its last {@code seq} to read on from. */
	private static Page<EventView> page(List<BatchEvent> events, int limit) {
		var views = events.stream().map(EventView::of).toList();
		return new Page<>(views, views.size() < limit ? null : String.valueOf(views.get(views.size() - 1).seq()));
	}

	@ServerSentEvents(data = EventView.class, closing = BatchEventStream.TOO_SLOW_EVENT,
			value = { "batch.queued", "batch.processing", "operation.started", "operation.progress",
					"operation.completed", "operation.failed", "batch.failing", "batch.cancelling",
					"batch.rolling_back", "batch.completed", "batch.completed_with_errors", "batch.failed",
					"batch.cancelled", "batch.rolled_back", "batch.rollback_failed" })
	@GetMapping(path = "/v1/batches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(operationId = "listBatchEvents", summary = "Follow a batch's events live (Server-Sent Events)")
	SseEmitter follow(@PathVariable UUID id, @RequestParam @CustomerId String customerId,
			@RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable Long lastEventId) {
		return stream(customerId, id, lastEventId == null ? after : lastEventId);
	}

	@ServerSentEvents(data = EventView.class, closing = BatchEventStream.TOO_SLOW_EVENT,
			value = { "batch.queued", "batch.processing", "operation.started", "operation.progress",
					"operation.completed", "operation.failed", "batch.failing", "batch.cancelling",
					"batch.rolling_back", "batch.completed", "batch.completed_with_errors", "batch.failed",
					"batch.cancelled", "batch.rolled_back", "batch.rollback_failed" })
	@GetMapping(path = "/v1/batches/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(operationId = "listCustomerBatchEvents",
			summary = "Follow the events of all of a customer's batches live (Server-Sent Events)")
	SseEmitter followCustomer(@RequestParam @CustomerId String customerId,
			@RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable Long lastEventId) {
		return stream(customerId, null, lastEventId == null ? after : lastEventId);
	}

	@GetMapping(path = "/v1/me/batches/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listMyBatchEvents", summary = "My batch's events, in order (an end user's access token)")
	Page<EventView> myEvents(@PathVariable UUID id, @RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestParam(defaultValue = "500") @Min(1) @Max(1000) int limit) {
		return events(id, Actor.currentCustomer(), after, limit);
	}

	@ServerSentEvents(data = EventView.class, closing = BatchEventStream.TOO_SLOW_EVENT,
			value = { "batch.queued", "batch.processing", "operation.started", "operation.progress",
					"operation.completed", "operation.failed", "batch.failing", "batch.cancelling",
					"batch.rolling_back", "batch.completed", "batch.completed_with_errors", "batch.failed",
					"batch.cancelled", "batch.rolled_back", "batch.rollback_failed" })
	@GetMapping(path = "/v1/me/batches/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(operationId = "listMyBatchEvents", summary = "Follow my batch's events live (Server-Sent Events)")
	SseEmitter followMine(@PathVariable UUID id, @RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable Long lastEventId) {
		return follow(id, Actor.currentCustomer(), after, lastEventId);
	}

	@GetMapping(path = "/v1/me/batches/events", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "listAllMyBatchEvents", summary = "The events of all my batches, in order")
	Page<EventView> allMyEvents(@RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestParam(defaultValue = "500") @Min(1) @Max(1000) int limit) {
		return customerEvents(Actor.currentCustomer(), after, limit);
	}

	@ServerSentEvents(data = EventView.class, closing = BatchEventStream.TOO_SLOW_EVENT,
			value = { "batch.queued", "batch.processing", "operation.started", "operation.progress",
					"operation.completed", "operation.failed", "batch.failing", "batch.cancelling",
					"batch.rolling_back", "batch.completed", "batch.completed_with_errors", "batch.failed",
					"batch.cancelled", "batch.rolled_back", "batch.rollback_failed" })
	@GetMapping(path = "/v1/me/batches/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(operationId = "listAllMyBatchEvents",
			summary = "Follow the events of all my batches live (Server-Sent Events)")
	SseEmitter followAllMine(@RequestParam(defaultValue = "0") @Min(0) long after,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable Long lastEventId) {
		return followCustomer(Actor.currentCustomer(), after, lastEventId);
	}

	private SseEmitter stream(String customerId, @Nullable UUID batchId, long after) {
		var emitter = new SseEmitter(STREAM_LIFETIME.toMillis());
		// the response (its headers) goes out with the first bytes: a comment at once, so
		// that the client knows it is connected before there is any event to send
		try {
			emitter.send(SseEmitter.event().comment("connected"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		batches.follow(customerId, batchId, after, new BatchEventStream.Sink() {
			@Override
			public String transport() {
				return "sse";
			}

			@Override
			public boolean send(BatchEvent event) {
				try {
					emitter.send(SseEmitter.event()
						.id(String.valueOf(event.seq()))
						.name(event.type())
						.data(EventView.of(event), MediaType.APPLICATION_JSON));
					return true;
				}
				catch (IOException | IllegalStateException ex) {
					return false;
				}
			}

			@Override
			public boolean keepAlive() {
				try {
					emitter.send(SseEmitter.event().comment("keep-alive"));
					return true;
				}
				catch (IOException | IllegalStateException ex) {
					return false;
				}
			}

			@Override
			public void close() {
				emitter.complete();
			}

			@Override
			public void tooSlow(long lastSeq) {
				try {
					emitter
						.send(SseEmitter.event()
							.name(BatchEventStream.TOO_SLOW_EVENT)
							.data(Map.of("code", BatchEventStream.TOO_SLOW, "detail",
									"This stream fell too far behind and is closed; reconnect with Last-Event-ID "
											+ lastSeq + " to read on",
									"lastSeq", lastSeq), MediaType.APPLICATION_JSON));
				}
				catch (IOException | IllegalStateException ex) {
					// gone already
				}
				emitter.complete();
			}
		});
		return emitter;
	}

}
