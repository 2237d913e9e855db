package dev.plangate.platform;

import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is doing the current thing, as written in audit records and histories:
 * {@code api_key:<prefix>} for a server key, {@code system} for start-up work and
 * anything outside a request.
 *
 * @param impersonatedBy the operator ({@code account:<id>}) behind an end user's
 * impersonation token, null for everything else
 */
public record Actor(String name, String ip, @Nullable String impersonatedBy) {

	public static final Actor SYSTEM = new Actor("system", "");

	public Actor(String name, String ip) {
		this(name, ip, null);
	}

	private static final ThreadLocal<@Nullable Actor> ACTING = new ThreadLocal<>();

	/**
	 * Does {@code work} on this thread as {@code actor}: for changes made on behalf of
	 * another system (a payment provider's webhook, say), so that histories and the audit
	 * log name it rather than an anonymous caller.
	 */
	public static <T> T as(Actor actor, Supplier<T> work) {
		var before = ACTING.get();
		ACTING.set(actor);
		try {
			return work.get();
		}
		finally {
			if (before == null) {
				ACTING.remove();
			}
			else {
				ACTING.set(before);
			}
		}
	}

	/**
	 * The caller of the request on this thread, or the actor set by {@link #as}, or
	 * {@link #SYSTEM}.
	 */
	public static Actor current() {
		var acting = ACTING.get();
		if (acting != null) {
			return acting;
		}
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| !(authentication.getPrincipal() instanceof Principal principal)) {
			return SYSTEM;
		}
		var attributes = RequestContextHolder.getRequestAttributes();
		String ip = attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest().getRemoteAddr() : "";
		return new Actor(principal.actorName(), ip, principal.impersonatedBy());
	}

	/**
	 * The customer the caller acts for on the {@code /v1/me/…} endpoints: that of an end
	 * user's access token (an account's, or a customer-scoped one minted by the product)
	 * or personal key. This is how a controller of any module learns the customer of the
	 * end user calling it; identity's own controllers learn the account the same way,
	 * from {@code SignedInAccount.current()}.
	 * @throws PlangateException {@code forbidden} for a credential that acts for no end
	 * user (a server key), {@code customer_not_found} for an account that has no plan of
	 * its own
	 */
	public static String currentCustomer() {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| !(authentication.getPrincipal() instanceof CustomerScoped scoped)) {
			throw new PlangateException(ErrorCode.FORBIDDEN,
					"/v1/me/… answers for the customer of an end user's access token; with a server key, "
							+ "use the /v1/customers/{id}/… and /v1/batches?customerId=… forms");
		}
		var customerId = scoped.customerId();
		if (customerId == null) {
			throw new PlangateException(ErrorCode.CUSTOMER_NOT_FOUND,
					"The access token names no customer: this account has no plan of its own");
		}
		return customerId;
	}

	/** The roles the current end user's credential names; none for any other caller. */
	public static List<String> currentRoles() {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.getPrincipal() instanceof CustomerScoped scoped) {
			return scoped.roles();
		}
		return List.of();
	}

	/**
	 * Implemented by authentication principals that can name themselves in an audit
	 * trail.
	 */
	public interface Principal {

		String actorName();

		/**
		 * The operator ({@code account:<id>}) viewing as this end user, when the
		 * credential is an impersonation token.
		 */
		default @Nullable String impersonatedBy() {
			return null;
		}

	}

	/** A principal that acts for one customer: an end user's. */
	public interface CustomerScoped extends Principal {

		@Nullable String customerId();

		/**
		 * The roles the credential names: an organization's access token names the
		 * member's ({@code org_owner}, {@code org_admin}, {@code org_member}).
		 */
		default List<String> roles() {
			return List.of();
		}

	}
}
