package dev.plangate.identity;

import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;

import dev.plangate.identity.account.Impersonation;
import dev.plangate.identity.account.Impersonations;
import dev.plangate.identity.token.AccessClaims;
import dev.plangate.platform.Actor;

/**
 * "View as" as the console does it: the operator signed into the console views as a
 * customer's end user in the portal, through the same service, checks and audit records
 * as {@code POST /v1/admin/impersonations}.
 */
@Service
public class OperatorImpersonation {

	private final Impersonations impersonations;

	OperatorImpersonation(Impersonations impersonations) {
		this.impersonations = impersonations;
	}

	/**
	 * An impersonation as the portal shows it.
	 *
	 * @param accountLogin the end user's email, else username
	 * @param operatorLogin the operator's
	 */
	public record ViewingAs(UUID id, String customerId, UUID accountId, String accountLogin, UUID operatorId,
			String operatorLogin, boolean readOnly, Instant expiresAt) implements Serializable {

		static ViewingAs of(Impersonation i) {
			return new ViewingAs(i.id(), i.customerId(), i.accountId(), i.accountLogin(), i.operatorId(),
					i.operatorLogin(), i.readOnly(), i.expiresAt());
		}

	}

	/** An impersonation just started and its token, which the portal keeps. */
	public record Started(ViewingAs viewingAs, String token) {

		@Override
		public String toString() {
			return "Started[" + viewingAs + "]";
		}

	}

	/**
	 * The signed-in operator views as the account that signs in as the customer.
	 * @param mode {@code read_only} or {@code read_write}
	 * @throws dev.plangate.platform.PlangateException as {@code POST
	 * /v1/admin/impersonations} does
	 */
	public Started start(String customerId, String reason, String mode) {
		var started = impersonations.start(new Impersonations.Request(null, customerId, reason, mode, null));
		return new Started(ViewingAs.of(started.impersonation()), started.token());
	}

	/**
	 * Ends it now, as {@code DELETE /v1/admin/impersonations/{id}} does; by its operator
	 * when no operator is signed in (the portal opened with the token alone).
	 */
	public ViewingAs end(UUID id, String ip) {
		var current = Actor.current();
		if (!current.name().startsWith("account:")) {
			var impersonation = impersonations.get(id);
			return ViewingAs
				.of(Actor.as(new Actor("account:" + impersonation.operatorId(), ip), () -> impersonations.end(id)));
		}
		return ViewingAs.of(impersonations.end(id));
	}

	/** Looks it up, whichever way it ended. */
	Optional<ViewingAs> find(AccessClaims claims) {
		if (!claims.isImpersonation()) {
			return Optional.empty();
		}
		return Optional.of(ViewingAs.of(impersonations.get(UUID.fromString(claims.tokenId()))));
	}

	/**
	 * Audits a portal page shown under the impersonation, as the account with the
	 * operator as {@code impersonatedBy}.
	 */
	public void recordVisit(ViewingAs viewingAs, String method, String path, int status, String ip) {
		Actor.as(new Actor("account:" + viewingAs.accountId(), ip, "account:" + viewingAs.operatorId()), () -> {
			impersonations.recordRequest(viewingAs.id().toString(), viewingAs.customerId(),
					viewingAs.readOnly() ? Impersonation.READ_ONLY : Impersonation.READ_WRITE, method, path, status);
			return null;
		});
	}

}
