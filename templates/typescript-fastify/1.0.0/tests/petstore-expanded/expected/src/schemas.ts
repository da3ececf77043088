// The spec's schemas as JSON Schemas: Fastify validates requests and serializes answers with them.
export const schemas = [
  {
    $id: "Error",
    type: "object",
    required: ["code", "message"],
    properties: {
      code: {
        type: "integer",
      },
      message: {
        type: "string",
      },
    },
  },
  {
    $id: "NewPet",
    type: "object",
    required: ["name"],
    properties: {
      name: {
        type: "string",
      },
      tag: {
        type: "string",
      },
    },
  },
  {
    $id: "Pet",
    allOf: [
      {
        $ref: "NewPet#",
      },
      {
        type: "object",
        required: ["id"],
        properties: {
          id: {
            type: "integer",
          },
        },
      },
    ],
  },
];
