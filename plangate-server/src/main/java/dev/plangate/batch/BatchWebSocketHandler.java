package dev.plangate.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Ids;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.ProblemResponses;
import dev.plangate.platform.StoredJson;
import tools.jackson.databind.json.JsonMapper;

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

	private final JsonMapper json;

	BatchWebSocketHandler(BatchService batches, JsonMapper json) {
		this.batches = batches;
		this.json = json;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		var handshake = new ProblemHandshake();
		registry.addHandler(this, "/v1/batches/events/live")
			.setHandshakeHandler(handshake)
			.addInterceptors(new HandshakeInterceptor() {
				@Override
				public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler handler, Map<String, Object> attributes) {
					if (request.getMethod() == HttpMethod.GET) {
						return true;
					}
					response.getHeaders().setAllow(Set.of(HttpMethod.GET));
					handshake.refuse(request, response, ErrorCode.METHOD_NOT_ALLOWED, "A WebSocket handshake is a GET");
					return false;
				}

				@Override
				public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler handler, @Nullable Exception failure) {
				}
			});
	}

	/**
	 * Refuses a request that is no WebSocket handshake with a problem, as every other
	 * refusal is made, rather than the handshake's plain-text answer.
	 */
	private final class ProblemHandshake extends DefaultHandshakeHandler {

		@Override
		protected void handleInvalidUpgradeHeader(ServerHttpRequest request, ServerHttpResponse response) {
			refuse(request, response, ErrorCode.INVALID_REQUEST,
					"This is a WebSocket: the request needs `Upgrade: websocket`");
		}

		@Override
		protected void handleInvalidConnectHeader(ServerHttpRequest request, ServerHttpResponse response) {
			refuse(request, response, ErrorCode.INVALID_REQUEST,
					"This is a WebSocket: the request needs `Connection: Upgrade`");
		}

		@Override
		protected void handleWebSocketVersionNotSupported(ServerHttpRequest request, ServerHttpResponse response) {
			response.getHeaders().set("Sec-WebSocket-Version", "13");
			refuse(request, response, ErrorCode.INVALID_REQUEST, "The WebSocket version must be 13");
		}

		void refuse(ServerHttpRequest request, ServerHttpResponse response, ErrorCode code, String detail) {
			if (request instanceof ServletServerHttpRequest servletRequest
					&& response instanceof ServletServerHttpResponse servletResponse) {
				response.getHeaders()
					.forEach((name, values) -> values
						.forEach(value -> servletResponse.getServletResponse().addHeader(name, value)));
				response.getHeaders().clear();
				try {
					ProblemResponses.write(servletRequest.getServletRequest(), servletResponse.getServletResponse(),
							json, code, detail);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			else {
				response.setStatusCode(code.status());
			}
		}

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
