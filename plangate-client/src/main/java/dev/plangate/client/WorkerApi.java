package dev.plangate.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The worker API over HTTP. */
final class WorkerApi {

	static final JsonMapper JSON = Transport.JSON;

	private final Transport transport;

	WorkerApi(URI base, String key) {
		this.transport = new Transport(base, key, Duration.ofSeconds(10), Duration.ofSeconds(30), RetryPolicy.none());
	}

	/** An answer Plangate gave with an error status. */
	static final class ApiError extends RuntimeException {

		private final int status;

		ApiError(int status, String message) {
			super(message);
			this.status = status;
		}

		int status() {
			return status;
		}

	}

	List<JsonNode> poll(String workerId, List<String> regions, List<String> types, int max, Duration wait)
			throws IOException, InterruptedException {
		var body = JSON.createObjectNode()
			.put("workerId", workerId)
			.put("max", max)
			.put("waitSeconds", wait.toSeconds());
		regions.forEach(body.putArray("regions")::add);
		types.forEach(body.putArray("types")::add);
		var answer = post("/v1/worker/poll", body, wait.plusSeconds(10));
		var tasks = new ArrayList<JsonNode>();
		answer.path("operations").forEach(tasks::add);
		return tasks;
	}

	/** Answers whether the worker should stop. */
	boolean heartbeat(UUID id, String workerId, int progress, @Nullable String message)
			throws IOException, InterruptedException {
		var body = JSON.createObjectNode().put("workerId", workerId);
		if (progress >= 0) {
			body.put("progress", progress);
		}
		if (message != null) {
			body.put("message", message);
		}
		return post("/v1/worker/operations/" + id + "/heartbeat", body, Duration.ofSeconds(10)).path("cancel")
			.asBoolean();
	}

	void complete(UUID id, String workerId, @Nullable JsonNode result) throws IOException, InterruptedException {
		var body = JSON.createObjectNode().put("workerId", workerId);
		if (result != null) {
			body.set("result", result);
		}
		post("/v1/worker/operations/" + id + "/complete", body, Duration.ofSeconds(10));
	}

	/**
	 * Reports operations done in one call; answers each one's outcome, in the order sent.
	 */
	JsonNode completeAll(String workerId, List<Map.Entry<UUID, @Nullable JsonNode>> done)
			throws IOException, InterruptedException {
		var body = JSON.createObjectNode().put("workerId", workerId);
		var operations = body.putArray("operations");
		for (var entry : done) {
			var operation = operations.addObject().put("id", entry.getKey().toString());
			if (entry.getValue() != null) {
				operation.set("result", entry.getValue());
			}
		}
		return post("/v1/worker/operations/complete", body, Duration.ofSeconds(10)).path("operations");
	}

	void fail(UUID id, String workerId, String message, @Nullable String code, boolean retryable)
			throws IOException, InterruptedException {
		var error = JSON.createObjectNode().put("message", message.isBlank() ? "failed" : truncate(message));
		if (code != null) {
			error.put("code", code);
		}
		var body = JSON.createObjectNode().put("workerId", workerId).put("retryable", retryable);
		body.set("error", error);
		post("/v1/worker/operations/" + id + "/fail", body, Duration.ofSeconds(10));
	}

	/**
	 * One attempt, without an idempotency key: the worker decides itself what to send
	 * again (an outcome) and what not (a poll).
	 */
	private JsonNode post(String path, ObjectNode body, Duration timeout) throws IOException, InterruptedException {
		try {
			return transport.send("POST", path, body, null, timeout);
		}
		catch (PlangateConnectionException ex) {
			if (ex.getCause() instanceof InterruptedException interrupted) {
				Thread.interrupted();
				throw interrupted;
			}
			throw new IOException(ex.getMessage(), ex.getCause());
		}
		catch (PlangateApiException ex) {
			throw new ApiError(ex.status(), ex.getMessage());
		}
	}

	private static String truncate(String text) {
		return text.length() <= 2000 ? text : text.substring(0, 2000);
	}

}
