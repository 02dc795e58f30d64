package io.mote.core.claim;

/** The outcome of a user's claim, by ThingsBoard's names. */
public enum ClaimResponse {
    /** The device is now the user's customer's. */
    SUCCESS,
    /** No valid claim: the device never asked to be claimed, the secret is wrong, or the claim expired. */
    FAILURE,
    /** The device already belongs to a customer. */
    CLAIMED
}
