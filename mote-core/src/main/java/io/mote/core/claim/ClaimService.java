package io.mote.core.claim;

import org.springframework.stereotype.Service;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.transport.api.DeviceInfo;

/** Device claiming: a device allows itself to be claimed; a customer user claims it with the secret. */
@Service
public class ClaimService {

    /** The device side: allow claiming with this secret for this long (0 = the configured default). */
    public void allowClaiming(DeviceInfo device, String secretKey, long durationMs) {
        throw new MoteException(ErrorCode.GENERAL, "Claiming is not available yet");
    }
}
