package dev.plangate.batch;

import java.io.IOException;
import java.util.Objects;
import java.util.UUID;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.platform.Ids;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.StoredJson;

/**
 * Batch events over WebSocket at
 * {@code /v1/batches/events/live?customerId=…[&batchId=…][&after=…]}: one JSON text
 * message per event, as the events endpoint shows them. A subscriber that cannot keep up
 * ({@code plangate.batches.subscriber-queue} events behind) is disconnected rather than
 * slowing others or filling memory, with close code 1013 and the reason
 * {@code subscriber_too_slow after=<seq>}; it reconnects with {@code after} set to the
 * last {@code seq} it got.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class BatchWebSocketHandler extends TextWebSocketHandler implements WebSocketConfigurer {

	private final BatchService batches;

	BatchWebSocketHandler(BatchService batches) {
		this.batches = batches;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this, "/v1/batches/events/live");
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession raw) throws IOException {
		var session = new ConcurrentWebSocketSessionDecorator(raw, 10_000, 1024 * 1024);
		var params = UriComponentsBuilder.fromUri(Objects.requireNonNull(raw.getUri())).build().getQueryParams();
		String customerId = params.getFirst("customerId");
		UUID batchId;
		long after;
		try {
			batchId = params.getFirst("batchId") == null ? null : UUID.fromString(params.getFirst("batchId"));
			after = params.getFirst("after") == null ? 0 : Long.parseLong(params.getFirst("after"));
		}
		catch (IllegalArgumentException ex) {
			raw.close(CloseStatus.BAD_DATA.withReason("batchId must be a UUID and after a number"));
			return;
		}
		if (customerId == null || !Ids.isCustomerId(customerId) || after < 0) {
			raw.close(CloseStatus.BAD_DATA.withReason("customerId is required and must be a customer id"));
			return;
		}
		try {
			batches.follow(customerId, batchId, after, new BatchEventStream.Sink() {
				@Override
				public String transport() {
					return "websocket";
				}

				@Override
				public boolean send(BatchEvent event) {
					try {
						session
							.sendMessage(new TextMessage(StoredJson.write(BatchEventsController.EventView.of(event))));
						return true;
					}
					catch (IOException | RuntimeException ex) {
						return false;
					}
				}

				@Override
				public void close() {
					try {
						session.close(CloseStatus.GOING_AWAY);
					}
					catch (IOException | RuntimeException ex) {
						// already gone
					}
				}

				@Override
				public void tooSlow(long lastSeq) {
					try {
						session.close(CloseStatus.SERVICE_OVERLOAD
							.withReason(BatchEventStream.TOO_SLOW + " after=" + lastSeq));
					}
					catch (IOException | RuntimeException ex) {
						// already gone
					}
				}

				@Override
				public boolean keepAlive() {
					try {
						session.sendMessage(new PingMessage());
						return session.isOpen();
					}
					catch (IOException | RuntimeException ex) {
						return false;
					}
				}
			});
		}
		catch (PlangateException ex) {
			raw.close(CloseStatus.POLICY_VIOLATION.withReason(ex.code().code()));
		}
	}

}
