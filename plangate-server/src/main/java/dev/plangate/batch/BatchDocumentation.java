package dev.plangate.batch;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.media.UUIDSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.QueryParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;

/**
 * Describes the batch events' WebSocket ({@link BatchWebSocketHandler}), which is no
 * controller's operation and so unknown to the document's generator: its handshake as a
 * GET answered 101, and what the socket then carries under {@value #WEBSOCKET}.
 */
@Configuration(proxyBeanMethods = false)
class BatchDocumentation {

	/** The operation's extension naming the socket's messages and close codes. */
	static final String WEBSOCKET = "x-websocket";

	/** Before the credentials and refusals, which every operation gets. */
	@Bean
	@Order(-1)
	OpenApiCustomizer batchEventsWebSocket() {
		return openApi -> {
			var resolved = ModelConverters.getInstance(true)
				.readAllAsResolvedSchema(new AnnotatedType(BatchEventsController.EventView.class).resolveAsRef(true));
			resolved.referencedSchemas.forEach((name, schema) -> {
				if (openApi.getComponents().getSchemas() == null
						|| !openApi.getComponents().getSchemas().containsKey(name)) {
					openApi.getComponents().addSchemas(name, schema);
				}
			});
			Map<String, Object> closeCodes = new LinkedHashMap<>();
			closeCodes.put("1001", "The server is going away: reconnect with `after` set to the last `seq` received");
			closeCodes.put("1007", "A parameter is invalid (the reason names it)");
			closeCodes.put("1008",
					"Refused: the reason is the problem's code (`customer_not_found`, `batch_not_found`)");
			closeCodes.put("1013", "The subscriber fell behind: the reason is `" + BatchEventStream.TOO_SLOW
					+ " after=<seq>`; reconnect with `after` set to it");
			Map<String, Object> socket = new LinkedHashMap<>();
			socket.put("protocol", "RFC 6455; the server sends pings, a client may send nothing");
			socket.put("serverMessages", Map.of("$ref", resolved.schema.get$ref()));
			socket.put("clientMessages", List.of());
			socket.put("closeCodes", closeCodes);
			var operation = new Operation().operationId("followBatchEventsOverWebSocket")
				.addTagsItem("Batches")
				.summary("Follow a customer's batch events live over a WebSocket")
				.description("A WebSocket handshake (`ws://` or `wss://`): one JSON text message per event, "
						+ "as the events endpoint shows them, in `seq` order. Every event of the customer's batches, "
						+ "or of one batch with `batchId`; `after` resumes after an event's `seq`.")
				.addParametersItem(new QueryParameter().name("customerId")
					.required(true)
					.description("The customer whose batches to follow")
					.schema(new StringSchema().maxLength(200)))
				.addParametersItem(new QueryParameter().name("batchId")
					.description("Only this batch's events")
					.schema(new UUIDSchema()))
				.addParametersItem(new QueryParameter().name("after")
					.description("Resume after this event's `seq`")
					.schema(new IntegerSchema().format("int64").minimum(BigDecimal.ZERO)))
				.addParametersItem(new HeaderParameter().name("Upgrade")
					.required(true)
					.schema(new StringSchema()._enum(List.of("websocket"))))
				.responses(new ApiResponses().addApiResponse("101",
						new ApiResponse().description("Switching Protocols: the connection is now the WebSocket")));
			operation.addExtension(WEBSOCKET, socket);
			openApi.path("/v1/batches/events/live", new PathItem().get(operation));
		};
	}

}
