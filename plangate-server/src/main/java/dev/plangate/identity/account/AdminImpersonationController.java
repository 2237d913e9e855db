package dev.plangate.identity.account;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Operators viewing as a customer's end user: start, look at, end. */
@RestController
@RequestMapping("/v1/admin/impersonations")
@Tag(name = "Accounts")
@Validated
class AdminImpersonationController {

	private final Impersonations impersonations;

	AdminImpersonationController(Impersonations impersonations) {
		this.impersonations = impersonations;
	}

	/**
	 * @param accountId the account to view as; or
	 * @param customerId the customer whose account (the one that signs in as it) to view
	 * as
	 * @param ttlSeconds the token's life, 60 to {@code plangate.impersonation.max-ttl}
	 */
	record ImpersonationRequest(@Nullable UUID accountId, @Nullable @CustomerId String customerId,
			@NotBlank @Size(max = 500) @Schema(description = "Why: kept in the audit log") String reason,
			@Nullable @Pattern(regexp = "read_only|read_write", message = "must be read_only or read_write") @Schema(
					description = "`read_only` (the default) or `read_write` (admin and superadmin only)",
					allowableValues = {
							"read_only", "read_write" }) String mode,
			@Nullable @Min(60) @Max(86_400) Integer ttlSeconds){
	}

	/**
	 * @param token absent when the impersonation is read back, and in the replay of a
	 * request with the same Idempotency-Key
	 * @param impersonatedBy the operator's account id ({@code act.sub} of the token)
	 */
	record ImpersonationView(UUID id, @Nullable String token, String tokenType, UUID accountId, String accountLogin,
			String customerId, UUID impersonatedBy, String operatorLogin, String reason, String mode, Instant startedAt,
			Instant expiresAt, @Nullable Instant endedAt, @Nullable String endedBy) {

		static ImpersonationView of(Impersonation i, @Nullable String token) {
			return new ImpersonationView(i.id(), token, "Bearer", i.accountId(), i.accountLogin(), i.customerId(),
					i.operatorId(), i.operatorLogin(), i.reason(), i.mode(), i.startedAt(), i.expiresAt(), i.endedAt(),
					i.endedBy());
		}

		@Override
		public String toString() {
			return "ImpersonationView[" + id + ", " + accountId + ", " + mode + ", " + expiresAt + "]";
		}

	}

	@Refusals({ ErrorCode.IMPERSONATION_NOT_ALLOWED, ErrorCode.TWO_FACTOR_REQUIRED })
	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "startImpersonation", summary = "View as a customer's end user",
			description = "An operator's access token only (support and up, two-factor authentication on): a server "
					+ "key names no operator and is refused (403 `forbidden`). Name the account by `accountId`, or "
					+ "by `customerId` for the account that signs in as that customer (one of them, 400 "
					+ "otherwise). Answers a short-lived access token of that account (`ttlSeconds`, default "
					+ "`plangate.impersonation.default-ttl`, 15 minutes; at most `plangate.impersonation.max-ttl`) "
					+ "whose `act` claim (RFC 8693) names the operator: `{\"sub\": <operator's account id>}`, with "
					+ "`imp_mode`. `read_only` (the default) refuses every POST, PUT, PATCH and DELETE with 403 "
					+ "`impersonation_read_only`; `read_write` takes an admin or superadmin (403 "
					+ "`impersonation_not_allowed` for support). In either mode the token may not sign in or out, "
					+ "mint tokens, create keys, change the password, address, second factor or sessions, nor call "
					+ "`/v1/admin/…` (403 `impersonation_not_allowed`). An operator's account (support, admin, "
					+ "superadmin) is never viewed as (403 `impersonation_not_allowed`); an unknown account or a "
					+ "customer without one is 404 `account_not_found`; a suspended one 403 `customer_suspended`. "
					+ "Audited as `impersonation.started` (operator, account, reason, mode, expiry), and every "
					+ "request made with the token as `impersonation.request` with `impersonatedBy`. The token is "
					+ "never stored: a replay with the same Idempotency-Key answers without it.")
	ImpersonationView start(@Valid @RequestBody ImpersonationRequest request) {
		var started = impersonations
			.start(new Impersonations.Request(request.accountId(), request.customerId(), request.reason(),
					request.mode(), request.ttlSeconds() == null ? null : Duration.ofSeconds(request.ttlSeconds())));
		Idempotency.replayInstead(ImpersonationView.of(started.impersonation(), null));
		return ImpersonationView.of(started.impersonation(), started.token());
	}

	@GetMapping
	@Operation(operationId = "listImpersonations", summary = "List impersonations, newest first, without tokens",
			description = "Filter by `active` (`true`: neither ended nor expired; `false`: ended or expired), "
					+ "`operator` (the operator's account id, `impersonatedBy`) and `account` (the account viewed "
					+ "as); the filters combine. Pass `nextCursor` of a page as `cursor` to read older ones.")
	Page<ImpersonationView> list(@RequestParam(required = false) @Nullable Boolean active,
			@Parameter(description = "the operator's account id") @RequestParam(
					required = false) @Nullable UUID operator,
			@Parameter(description = "the id of the account viewed as") @RequestParam(
					required = false) @Nullable UUID account,
			@RequestParam(required = false) @Nullable @Size(max = 200) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		var page = impersonations.list(new Impersonations.Filter(active, operator, account), cursor, limit);
		return new Page<>(page.data().stream().map(i -> ImpersonationView.of(i, null)).toList(), page.nextCursor());
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getImpersonation", summary = "An impersonation, without its token",
			description = "Unknown id: 404 `impersonation_not_found`.")
	ImpersonationView get(@PathVariable UUID id) {
		return ImpersonationView.of(impersonations.get(id), null);
	}

	@DeleteMapping("/{id}")
	@Operation(operationId = "endImpersonation", summary = "End an impersonation now",
			description = "Its token stops working at once, on every node; audited as `impersonation.ended`. Any "
					+ "operator or a server key may: ending only takes access away. Ending one that ended or "
					+ "expired changes nothing and answers it as it is. Unknown id: 404 `impersonation_not_found`.")
	ImpersonationView end(@PathVariable UUID id) {
		return ImpersonationView.of(impersonations.end(id), null);
	}

}
