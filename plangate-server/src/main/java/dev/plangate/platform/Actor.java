package dev.plangate.platform;

import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is doing the current thing, as written in audit records and histories:
 * {@code api_key:<prefix>} for a server key, {@code system} for start-up work and
 * anything outside a request.
 */
public record Actor(String name, String ip) {

	public static final Actor SYSTEM = new Actor("system", "");

	/** The caller of the request on this thread, or {@link #SYSTEM}. */
	public static Actor current() {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !authentication.isAuthenticated()
				|| !(authentication.getPrincipal() instanceof Principal principal)) {
			return SYSTEM;
		}
		var attributes = RequestContextHolder.getRequestAttributes();
		String ip = attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest().getRemoteAddr() : "";
		return new Actor(principal.actorName(), ip);
	}

	/**
	 * The customer whose own views the caller may read: that of an end user's access
	 * token (an account's, or a customer-scoped one minted by the product), or empty.
	 */
	public static Optional<String> currentCustomer() {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.isAuthenticated()
				&& authentication.getPrincipal() instanceof CustomerScoped scoped) {
			return Optional.ofNullable(scoped.customerId());
		}
		return Optional.empty();
	}

	/**
	 * Implemented by authentication principals that can name themselves in an audit
	 * trail.
	 */
	public interface Principal {

		String actorName();

	}

	/** A principal that acts for one customer: an end user's. */
	public interface CustomerScoped extends Principal {

		@Nullable String customerId();

	}
}
