package dev.plangate.identity.apikey;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.account.SignedInAccount;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The signed-in account's personal API keys. Only an account's access token may manage
 * them: a personal key cannot make or list keys.
 */
@RestController
@RequestMapping("/v1/me/api-keys")
@Tag(name = "Accounts")
class PersonalApiKeyController {

	private final PersonalApiKeyService keys;

	private final Clock clock;

	PersonalApiKeyController(PersonalApiKeyService keys, Clock clock) {
		this.keys = keys;
		this.clock = clock;
	}

	/**
	 * @param scopes {@code read} (GET on /v1/me/** only) and/or {@code write} (every
	 * method on /v1/me/**)
	 * @param expiresInDays 1 to 365; none: the key does not expire
	 */
	record CreatePersonalApiKey(@NotBlank @Size(max = 200) String name,
			@NotEmpty @Size(max = 2) List<@NotNull @Pattern(regexp = "read|write",
					message = "must be 'read' or 'write'") String> scopes,
			@Nullable @Min(1) @Max(PersonalApiKeyService.MAX_DAYS) Integer expiresInDays) {
	}

	/** A key as listed: the prefix tells keys apart, the secret is never shown again. */
	record PersonalApiKeyView(UUID id, String name, String prefix, List<String> scopes, String status,
			Instant createdAt, @Nullable Instant expiresAt, @Nullable Instant lastUsedAt, @Nullable Instant revokedAt,
			@Nullable String secret) {

		static PersonalApiKeyView of(PersonalApiKey key, Instant now, @Nullable String secret) {
			return new PersonalApiKeyView(key.id(), key.name(), key.prefix(),
					key.scopes().stream().sorted().map(PersonalKeyScope::id).toList(), key.status(now), key.createdAt(),
					key.expiresAt(), key.lastUsedAt(), key.revokedAt(), secret);
		}
	}

	/**
	 * The security configuration refuses personal keys here already; this keeps the rule
	 * next to the endpoints that need it.
	 */
	private static SignedInAccount accessTokenHolder() {
		if (SecurityContextHolder.getContext()
			.getAuthentication() instanceof PersonalKeyCredentials.PersonalKeyAuthentication) {
			throw new PlangateException(ErrorCode.FORBIDDEN,
					"A personal API key cannot manage personal API keys: use the account's access token");
		}
		return SignedInAccount.current();
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "createMyApiKey", summary = "Create a personal API key",
			description = "A personal key (`pg_pk_…`) acts as the account on `/v1/me/…`: scope `read` for GET only, "
					+ "`write` for everything there. It never works on server endpoints. The address must be "
					+ "confirmed (403 `email_not_verified`). The answer holds `secret`, shown this once only: a "
					+ "replay with the same Idempotency-Key answers the same key without its secret.")
	PersonalApiKeyView create(@Valid @RequestBody CreatePersonalApiKey request) {
		var me = accessTokenHolder();
		Set<PersonalKeyScope> scopes = request.scopes()
			.stream()
			.map(s -> PersonalKeyScope.of(s).orElseThrow())
			.collect(Collectors.toSet());
		var created = keys.create(me.accountId(), request.name().strip(), scopes, request.expiresInDays());
		var now = clock.instant();
		Idempotency.replayInstead(PersonalApiKeyView.of(created.key(), now, null));
		return PersonalApiKeyView.of(created.key(), now, created.secret());
	}

	@GetMapping
	@Operation(operationId = "listMyApiKeys", summary = "List my personal API keys (prefixes only)")
	Page<PersonalApiKeyView> list() {
		var now = clock.instant();
		return Page.of(keys.list(accessTokenHolder().accountId())
			.stream()
			.map(k -> PersonalApiKeyView.of(k, now, null))
			.toList());
	}

	@DeleteMapping("/{id}")
	@Operation(operationId = "revokeMyApiKey", summary = "Revoke one of my personal API keys",
			description = "It stops working at once on this node and within seconds on others. Another account's "
					+ "key id answers 404 `personal_api_key_not_found`.")
	PersonalApiKeyView revoke(@PathVariable UUID id) {
		return PersonalApiKeyView.of(keys.revoke(accessTokenHolder().accountId(), id), clock.instant(), null);
	}

}
