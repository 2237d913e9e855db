package dev.plangate.identity.account;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.plangate.audit.AuditLog;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.identity.token.AccessClaims;
import dev.plangate.identity.token.AccessTokens;
import dev.plangate.identity.token.TokenKind;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.identity.token.TokenRevocations;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.SessionPrincipal;
import dev.plangate.subscription.SubscriptionService;

/**
 * An operator viewing as a customer's end user ("view as"): a short-lived access token of
 * the end user's account whose {@code act} claim names the operator, read-only unless the
 * operator is an admin or superadmin and asks for changes. Only an operator starts one
 * (support and up, with its access token and two-factor authentication on, or signed into
 * the console), never a server key, which names no one; an operator's account is never
 * viewed as. Starting and ending are audited, and so is every request made under the
 * token ({@link ImpersonationGuard}).
 */
@Service
public class Impersonations {

	private final AccountRepository accounts;

	private final SessionService sessions;

	private final ImpersonationRepository repository;

	private final AccessTokens tokens;

	private final TokenRevocations revocations;

	private final SubscriptionService subscriptions;

	private final AuditLog auditLog;

	private final ImpersonationSettings settings;

	private final Clock clock;

	Impersonations(AccountRepository accounts, SessionService sessions, ImpersonationRepository repository,
			AccessTokens tokens, TokenRevocations revocations, SubscriptionService subscriptions, AuditLog auditLog,
			ImpersonationSettings settings, Clock clock) {
		this.accounts = accounts;
		this.sessions = sessions;
		this.repository = repository;
		this.tokens = tokens;
		this.revocations = revocations;
		this.subscriptions = subscriptions;
		this.auditLog = auditLog;
		this.settings = settings;
		this.clock = clock;
	}

	/** An impersonation just started, with its token (never stored). */
	public record Started(Impersonation impersonation, String token) {

		@Override
		public String toString() {
			return "Started[" + impersonation + "]";
		}

	}

	/**
	 * Who to view as: an account, or the account that signs in as a customer.
	 *
	 * @param mode {@code read_only} (when null) or {@code read_write}
	 * @param ttl the token's life; {@code plangate.impersonation.default-ttl} when null
	 */
	public record Request(@Nullable UUID accountId, @Nullable String customerId, String reason, @Nullable String mode,
			@Nullable Duration ttl) {
	}

	/**
	 * Starts an impersonation by the calling operator and audits it as
	 * {@code impersonation.started}.
	 * @throws PlangateException {@code invalid_request} for a request naming both or
	 * neither target, a blank reason, an unknown mode or a life out of bounds;
	 * {@code forbidden} for a caller that is no operator (a server key);
	 * {@code two_factor_required}; {@code impersonation_not_allowed} for an operator's
	 * account, read-write asked by a support operator, or an impersonation token;
	 * {@code account_not_found}; {@code customer_suspended}
	 */
	@Transactional
	public Started start(Request request) {
		var operator = callingOperator();
		var mode = request.mode() == null ? Impersonation.READ_ONLY : request.mode();
		var ttl = request.ttl() == null ? settings.defaultTtl() : request.ttl();
		validate(request, mode, ttl);
		if (Impersonation.READ_WRITE.equals(mode) && operator.role().compareTo(AccountRole.ADMIN) < 0) {
			throw new PlangateException(ErrorCode.IMPERSONATION_NOT_ALLOWED,
					"A support operator views as an end user read-only: read_write takes an admin");
		}
		var account = target(request);
		if (account.role() != AccountRole.USER) {
			throw new PlangateException(ErrorCode.IMPERSONATION_NOT_ALLOWED,
					"Account " + account.id() + " is an " + account.role().id()
							+ "'s: an operator's account is never viewed as")
				.with("accountId", account.id().toString());
		}
		if (account.status() == CustomerStatus.SUSPENDED) {
			throw new PlangateException(ErrorCode.CUSTOMER_SUSPENDED,
					"Account " + account.id() + " is suspended: it cannot be viewed as")
				.with("customerId", account.customerId());
		}
		var plan = subscriptions.current(account.customerId()).planKey();
		var issued = tokens.issueImpersonationToken(account.id().toString(), account.customerId(), account.role().ids(),
				plan, new AccessClaims.Impersonation(operator.id(), Impersonation.READ_ONLY.equals(mode)), ttl);
		var impersonation = new Impersonation(UUID.fromString(issued.claims().tokenId()), operator.id(),
				login(operator), account.id(), login(account), account.customerId(), request.reason().strip(), mode,
				clock.instant(), issued.claims().expiresAt(), null, null);
		repository.insert(impersonation);
		var after = new LinkedHashMap<String, Object>();
		after.put("impersonationId", impersonation.id().toString());
		after.put("operator", "account:" + operator.id());
		after.put("accountId", account.id().toString());
		after.put("reason", impersonation.reason());
		after.put("mode", mode);
		after.put("expiresAt", impersonation.expiresAt().toString());
		auditLog.record("impersonation.started", "customer", account.customerId(), null, after);
		return new Started(impersonation, issued.token());
	}

	/**
	 * @throws PlangateException {@code impersonation_not_found}
	 */
	public Impersonation get(UUID id) {
		return repository.find(id)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.IMPERSONATION_NOT_FOUND, "Impersonation",
					id.toString()));
	}

	/**
	 * Which impersonations a list shows; a null member does not filter.
	 *
	 * @param active true: neither ended nor expired; false: ended or expired
	 * @param operator the operator's account id
	 * @param account the account viewed as
	 */
	public record Filter(@Nullable Boolean active, @Nullable UUID operator, @Nullable UUID account) {
	}

	/**
	 * Newest first, as {@code filter} has it; {@code cursor} is the {@code nextCursor} of
	 * the page before.
	 * @throws PlangateException {@code invalid_request} for a cursor this server did not
	 * give out
	 */
	public Page<Impersonation> list(Filter filter, @Nullable String cursor, int limit) {
		Instant afterStarted = null;
		UUID afterId = null;
		if (cursor != null) {
			try {
				var parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
				if (parts.length != 2) {
					throw new IllegalArgumentException("not two parts");
				}
				afterStarted = Instant.parse(parts[0]);
				afterId = UUID.fromString(parts[1]);
			}
			catch (IllegalArgumentException | DateTimeException ex) {
				throw new PlangateException(ErrorCode.INVALID_REQUEST, "cursor is not one this API gave out",
						List.of(new FieldError("cursor", "is not a cursor from a previous page")));
			}
		}
		var rows = repository.list(filter.active(), filter.operator(), filter.account(), afterStarted, afterId,
				clock.instant(), limit + 1);
		String next = null;
		if (rows.size() > limit) {
			var last = rows.get(limit - 1);
			next = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString((last.startedAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
		}
		return new Page<>(rows.subList(0, Math.min(limit, rows.size())), next);
	}

	/**
	 * Ends the impersonation now: its token stops working on every node; audited as
	 * {@code impersonation.ended}. Ending one that ended or expired changes nothing. Any
	 * operator or server key may: ending only takes access away.
	 * @throws PlangateException {@code impersonation_not_found}; {@code forbidden} for an
	 * impersonation token
	 */
	@Transactional
	public Impersonation end(UUID id) {
		var principal = principal();
		if (principal instanceof TokenPrincipal token && token.claims().isImpersonation()) {
			throw new PlangateException(ErrorCode.FORBIDDEN, "An impersonation token cannot end impersonations");
		}
		if (principal instanceof TokenPrincipal token && token.claims().kind() == TokenKind.ACCOUNT) {
			requireSecondFactor(UUID.fromString(token.claims().subject()));
		}
		var impersonation = get(id);
		var now = clock.instant();
		if (!impersonation.isActive(now)) {
			return impersonation;
		}
		var by = Actor.current().name();
		if (repository.end(id, now, by)) {
			revocations.revokeImpersonation(id.toString());
			var after = new LinkedHashMap<String, Object>();
			after.put("impersonationId", id.toString());
			after.put("operator", "account:" + impersonation.operatorId());
			after.put("accountId", impersonation.accountId().toString());
			auditLog.record("impersonation.ended", "customer", impersonation.customerId(), null, after);
		}
		return get(id);
	}

	/**
	 * Records a request made under an impersonation token (or the portal opened with
	 * one), as the account with the operator as {@code impersonatedBy}.
	 */
	public void recordRequest(AccessClaims claims, String method, String path, int status) {
		var impersonation = claims.impersonation();
		var customerId = claims.customerId();
		if (impersonation != null && customerId != null) {
			recordRequest(claims.tokenId(), customerId, impersonation.mode(), method, path, status);
		}
	}

	/**
	 * As {@link #recordRequest(AccessClaims, String, String, int)}, by the current actor.
	 */
	public void recordRequest(String impersonationId, String customerId, String mode, String method, String path,
			int status) {
		var after = new LinkedHashMap<String, Object>();
		after.put("impersonationId", impersonationId);
		after.put("method", method);
		after.put("path", path);
		after.put("status", status);
		after.put("mode", mode);
		auditLog.record("impersonation.request", "customer", customerId, null, after);
	}

	private void validate(Request request, String mode, Duration ttl) {
		var errors = new java.util.ArrayList<FieldError>();
		if ((request.accountId() == null) == (request.customerId() == null)) {
			errors.add(new FieldError("accountId", "name the account to view as: accountId or customerId, not both"));
		}
		if (request.reason() == null || request.reason().isBlank()) {
			errors.add(new FieldError("reason", "must not be blank"));
		}
		if (!List.of(Impersonation.READ_ONLY, Impersonation.READ_WRITE).contains(mode)) {
			errors.add(new FieldError("mode", "must be read_only or read_write"));
		}
		if (ttl.compareTo(ImpersonationSettings.SHORTEST) < 0 || ttl.compareTo(settings.maxTtl()) > 0) {
			errors.add(new FieldError("ttlSeconds", "must be " + ImpersonationSettings.SHORTEST.toSeconds() + " to "
					+ settings.maxTtl().toSeconds() + " (plangate.impersonation.max-ttl)"));
		}
		if (!errors.isEmpty()) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "The impersonation request has invalid fields",
					errors);
		}
	}

	private Account target(Request request) {
		if (request.accountId() != null) {
			return accounts.find(request.accountId())
				.filter(a -> a.status() != CustomerStatus.DELETED)
				.orElseThrow(() -> PlangateException.notFound(ErrorCode.ACCOUNT_NOT_FOUND, "Account",
						request.accountId().toString()));
		}
		var customerId = request.customerId();
		return accounts.findByCustomer(customerId)
			.filter(a -> a.status() != CustomerStatus.DELETED)
			.orElseThrow(() -> new PlangateException(ErrorCode.ACCOUNT_NOT_FOUND,
					"Customer '" + customerId + "' has no account that signs in (or no such customer)")
				.with("customerId", customerId));
	}

	/**
	 * The operator calling, as its account is now: an account's access token (not an
	 * impersonation's) with two-factor authentication on, or an account signed into the
	 * console whose session goes on; support and up.
	 */
	private Account callingOperator() {
		var principal = principal();
		Account operator;
		if (principal instanceof TokenPrincipal token && token.claims().kind() == TokenKind.ACCOUNT) {
			if (token.claims().isImpersonation()) {
				throw new PlangateException(ErrorCode.IMPERSONATION_NOT_ALLOWED,
						"An impersonation token cannot start another impersonation");
			}
			operator = requireSecondFactor(UUID.fromString(token.claims().subject()));
		}
		else if (principal instanceof SessionPrincipal signedIn) {
			operator = accounts.find(signedIn.accountId())
				.filter(a -> sessions.isActive(signedIn.sessionId()))
				.orElseThrow(() -> new PlangateException(ErrorCode.FORBIDDEN, "The console session has ended"));
		}
		else {
			throw new PlangateException(ErrorCode.FORBIDDEN,
					"An impersonation names the operator who views as the end user: start it with an operator's "
							+ "access token or from the console, not with a server key");
		}
		if (operator.role() == AccountRole.USER || !operator.isActive()) {
			throw new PlangateException(ErrorCode.FORBIDDEN, "Only an operator (support, admin, superadmin) may");
		}
		return operator;
	}

	private Account requireSecondFactor(UUID accountId) {
		var account = accounts.find(accountId)
			.orElseThrow(() -> new PlangateException(ErrorCode.FORBIDDEN, "The token's account is gone"));
		if (!account.hasTwoFactor()) {
			throw new PlangateException(ErrorCode.TWO_FACTOR_REQUIRED,
					"Turn on two-factor authentication (POST /v1/me/two-factor) before using the back office");
		}
		return account;
	}

	private static @Nullable Object principal() {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		return authentication == null ? null : authentication.getPrincipal();
	}

	private static String login(Account account) {
		if (account.email() != null) {
			return account.email();
		}
		return account.username() != null ? account.username() : account.id().toString();
	}

}
