/** The first world's application as the engine describes it (recorded), for the graph tests. */
import type { NodePlan } from "../../engine-client/workbench-types";

export const PAGE_VIEWS_NODES: NodePlan[] = [
  {
    "name": "KSTREAM-SOURCE-0000000000",
    "kind": "source",
    "subtopology": 0,
    "children": [
      "KSTREAM-KEY-SELECT-0000000001"
    ],
    "stores": [],
    "topics": [
      "clicks"
    ]
  },
  {
    "name": "KSTREAM-KEY-SELECT-0000000001",
    "kind": "processor",
    "subtopology": 0,
    "children": [
      "views-per-page-repartition-filter"
    ],
    "stores": [],
    "topics": []
  },
  {
    "name": "views-per-page-repartition-filter",
    "kind": "processor",
    "subtopology": 0,
    "children": [
      "views-per-page-repartition-sink"
    ],
    "stores": [],
    "topics": []
  },
  {
    "name": "views-per-page-repartition-sink",
    "kind": "sink",
    "subtopology": 0,
    "children": [],
    "stores": [],
    "topics": [
      "page-views-views-per-page-repartition"
    ]
  },
  {
    "name": "views-per-page-repartition-source",
    "kind": "source",
    "subtopology": 1,
    "children": [
      "KSTREAM-AGGREGATE-0000000002"
    ],
    "stores": [],
    "topics": [
      "page-views-views-per-page-repartition"
    ]
  },
  {
    "name": "KSTREAM-AGGREGATE-0000000002",
    "kind": "processor",
    "subtopology": 1,
    "children": [
      "KTABLE-TOSTREAM-0000000006"
    ],
    "stores": [
      "views-per-page"
    ],
    "topics": []
  },
  {
    "name": "KTABLE-TOSTREAM-0000000006",
    "kind": "processor",
    "subtopology": 1,
    "children": [
      "KSTREAM-SINK-0000000007"
    ],
    "stores": [],
    "topics": []
  },
  {
    "name": "KSTREAM-SINK-0000000007",
    "kind": "sink",
    "subtopology": 1,
    "children": [],
    "stores": [],
    "topics": [
      "page-views-10s"
    ]
  }
];

export const PAGE_VIEWS_INTERNAL_TOPICS = ["page-views-views-per-page-repartition", "page-views-views-per-page-changelog"];
