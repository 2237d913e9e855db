package dev.plangate.identity.account;

import org.jspecify.annotations.Nullable;

import jakarta.servlet.http.HttpServletRequest;

/** Where a request comes from, as sessions remember it. */
public record Device(@Nullable String userAgent, String ip) {

	private static final int MAX_USER_AGENT = 500;

	public static Device of(HttpServletRequest request) {
		var agent = request.getHeader("User-Agent");
		if (agent != null && agent.length() > MAX_USER_AGENT) {
			agent = agent.substring(0, MAX_USER_AGENT);
		}
		return new Device(agent, request.getRemoteAddr());
	}

}
