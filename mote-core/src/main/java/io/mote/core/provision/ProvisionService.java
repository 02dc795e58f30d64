package io.mote.core.provision;

import org.springframework.stereotype.Service;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.transport.api.ProvisionResult;

/** Device provisioning following the profile's provisionConfiguration. */
@Service
public class ProvisionService {

    public ProvisionResult provision(String requestJson) {
        throw new MoteException(ErrorCode.GENERAL, "Provisioning is not available yet");
    }
}
