package io.mote.core.rpc;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Service;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.transport.api.DeviceInfo;

/** Server-side and client-side RPC. */
@Service
public class RpcService {

    public void onDelivered(UUID deviceId, int requestId) {
    }

    public void onDeviceResponse(UUID deviceId, int requestId, String response) {
    }

    public CompletableFuture<String> clientRpc(DeviceInfo device, String request) {
        return CompletableFuture.failedFuture(new MoteException(ErrorCode.GENERAL, "RPC is not available yet"));
    }
}
