package dev.plangate.identity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.identity.apikey.ApiKey;
import dev.plangate.identity.apikey.ApiKeyKind;
import dev.plangate.identity.apikey.ApiKeyService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * The server and worker API keys as the console manages them, through the same service,
 * checks and audit records ({@code api_key.created}, {@code api_key.revoked}) as
 * {@code /v1/api-keys}.
 */
@Service
public class ApiKeyAdministration {

	/** The kinds of key an operator may make. */
	public static final List<String> KINDS = List.of("server", "worker");

	private final ApiKeyService keys;

	ApiKeyAdministration(ApiKeyService keys) {
		this.keys = keys;
	}

	/**
	 * A key as listed: never its secret.
	 *
	 * @param kind {@code server} or {@code worker}
	 * @param lastUsedAt recorded at most once a minute
	 */
	public record KeySummary(UUID id, String name, String kind, String prefix, Instant createdAt, String createdBy,
			@Nullable Instant lastUsedAt, @Nullable Instant revokedAt) {

		public boolean isActive() {
			return revokedAt == null;
		}

		static KeySummary of(ApiKey key) {
			return new KeySummary(key.id(), key.name(), key.kind().id(), key.prefix(), key.createdAt(), key.createdBy(),
					key.lastUsedAt(), key.revokedAt());
		}

	}

	/** A key just made, with the secret shown this once. */
	public record CreatedKey(KeySummary key, String secret) {
	}

	/** Newest first. */
	public List<KeySummary> list() {
		var listed = new ArrayList<>(keys.list().stream().map(KeySummary::of).toList());
		Collections.reverse(listed);
		return listed;
	}

	/**
	 * Makes a key of the kind, as {@code POST /v1/api-keys} does; audited.
	 * @throws PlangateException {@code invalid_request} for a kind not among
	 * {@link #KINDS}
	 */
	public CreatedKey create(String name, String kind) {
		var chosen = switch (kind) {
			case "server" -> ApiKeyKind.SERVER;
			case "worker" -> ApiKeyKind.WORKER;
			default -> throw new PlangateException(ErrorCode.INVALID_REQUEST, "Unknown kind: choose server or worker");
		};
		var created = keys.create(name, chosen);
		return new CreatedKey(KeySummary.of(created.key()), created.secret());
	}

	/**
	 * Revokes the key, as {@code DELETE /v1/api-keys/{id}} does; audited.
	 * @throws PlangateException {@code api_key_not_found}; {@code last_api_key}
	 */
	public KeySummary revoke(UUID id) {
		return KeySummary.of(keys.revoke(id));
	}

}
