package io.mote.server.it.lwm2m;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.eclipse.leshan.core.model.URN;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/** DDF files and resource-upload bodies for the tests. */
final class Models {

    private Models() {
    }

    /** A one-object DDF: {@code resources} are (id, name, operations, type) tuples. */
    static String ddf(int objectId, String version, String name, String[]... resources) {
        StringBuilder sb = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <LWM2M xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://www.openmobilealliance.org/tech/profiles/LWM2M-v1_1.xsd">
                  <Object ObjectType="MODefinition">
                """);
        sb.append("    <Name>").append(name).append("</Name>\n    <Description1>test</Description1>\n")
                .append("    <ObjectID>").append(objectId).append("</ObjectID>\n")
                .append("    <ObjectURN>").append(URN.generateURN(objectId, version)).append("</ObjectURN>\n")
                .append("    <LWM2MVersion>1.1</LWM2MVersion>\n")
                .append("    <ObjectVersion>").append(version).append("</ObjectVersion>\n")
                .append("    <MultipleInstances>Single</MultipleInstances>\n    <Mandatory>Optional</Mandatory>\n")
                .append("    <Resources>\n");
        for (String[] r : resources) {
            sb.append("      <Item ID=\"").append(r[0]).append("\"><Name>").append(r[1]).append("</Name>")
                    .append("<Operations>").append(r[2]).append("</Operations>")
                    .append("<MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory>")
                    .append("<Type>").append(r[3]).append("</Type><RangeEnumeration></RangeEnumeration>")
                    .append("<Units></Units><Description>d</Description></Item>\n");
        }
        sb.append("    </Resources>\n    <Description2></Description2>\n  </Object>\n</LWM2M>\n");
        return sb.toString();
    }

    static ObjectNode upload(String xml, String fileName) {
        return Json.object().put("resourceType", "LWM2M_MODEL").put("title", fileName).put("fileName", fileName)
                .put("data", Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
